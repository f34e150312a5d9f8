package models

// KPIGroup is a group of indicators published like Kolada's KPI groups
// (/v3/kpi_groups): an id, a Swedish title and its member indicators.
type KPIGroup struct {
	ID      string
	Title   string
	Members []string // indicator ids, in catalogue order
}

// KPIGroups returns effekt's indicator groups: civic orientation, SFI,
// establishment and municipal labour-market interventions. Every indicator
// of the catalogue is in exactly one group (TestKPIGroups).
func KPIGroups() []KPIGroup {
	return []KPIGroup{
		{ID: "EFG1", Title: "Samhällsorientering", Members: []string{"EF101", "EF102", "EF103", "EF104", "EF105"}},
		{ID: "EFG2", Title: "Svenska för invandrare (SFI)", Members: []string{"EF201"}},
		{ID: "EFG3", Title: "Etablering och mottagande", Members: []string{"EF301", "EF302", "EF303"}},
		{ID: "EFG4", Title: "Kommunala arbetsmarknadsinsatser", Members: []string{"EF401", "EF402"}},
	}
}
