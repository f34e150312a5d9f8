// Package parse turns the text of one cell of a source export into a
// canonical value: personnummer, dates, municipality codes, hours, coded
// values and column headers. Every function is pure and safe for concurrent
// use. Errors are *Error values whose Reason is a short code for the
// rejected-rows table and whose message says what was expected; no message
// ever holds a raw personnummer: values are shown through Mask or Redact.
//
// Forms accepted (SPEC §2, §3):
//   - person id: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN
//   - date: YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD (a time of day after YYYY-MM-DD is dropped),
//     Excel serials via ExcelSerial; 1990-01-01 to today
//   - municipality: kommunkod with or without its leading zero, or the name in any case,
//     with or without "kommun"/"stad", genitive included
//   - hours: decimal point or comma, 0 < h <= 12
//   - coded values (language, course, grade, present, outcomes, education): any case,
//     surrounding space ignored
package parse
