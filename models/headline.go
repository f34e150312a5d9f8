package models

// HeadlineKPIs are the indicators of the demo's headline table (`effekt
// indicators --headline`).
var HeadlineKPIs = []string{"EF101", "EF105", "EF201", "EF301"}
