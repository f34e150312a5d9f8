package parse

import (
	"strings"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2019-02-28", day(2019, 2, 28)},
		{"20190228", day(2019, 2, 28)},
		{"2019/02/28", day(2019, 2, 28)},
		{" 2019-02-28 ", day(2019, 2, 28)},
		{"2024-02-29", day(2024, 2, 29)},
		{"2000-02-29", day(2000, 2, 29)},
		{"1990-01-01", day(1990, 1, 1)},
		{"2026-11-23", day(2026, 11, 23)},
		{"2024-01-05 00:00:00", day(2024, 1, 5)},
		{"2024-01-05T13:45", day(2024, 1, 5)},
		{"2024-01-05T13:45:59.123Z", day(2024, 1, 5)},
	}
	for _, tt := range tests {
		got, err := Date(tt.in, today)
		if err != nil {
			t.Errorf("Date(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("Date(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDateInvalid(t *testing.T) {
	tests := []struct {
		in, reason, msg string
	}{
		{"2019-02-30", ReasonDate, `"2019-02-30" is not a date (expected YYYY-MM-DD)`},
		{"2023-02-29", ReasonDate, `"2023-02-29" is not a date (expected YYYY-MM-DD)`},
		{"1900-02-29", ReasonDate, `"1900-02-29" is not a date`},
		{"2019-13-01", ReasonDate, "is not a date"},
		{"2019-04-31", ReasonDate, "is not a date"},
		{"20190230", ReasonDate, "is not a date"},
		{"2019-02-3", ReasonDate, "is not a date"},
		{"2019-02/03", ReasonDate, "is not a date"},
		{"03/02/2019", ReasonDate, "is not a date"},
		{"01-01-24", ReasonDate, "is not a date"},
		{"2024-01-05 25:00", ReasonDate, "is not a date"},
		{"2024/01/05 10:00", ReasonDate, "is not a date"},
		{"", ReasonDate, "date is blank"},
		{"igår", ReasonDate, `"igår" is not a date`},
		{"19811218-9876", ReasonDate, `"19811218-****" is not a date`},
		{"1989-12-31", ReasonDateRange, "1989-12-31 is before 1990-01-01"},
		{"2026-11-24", ReasonDateRange, "2026-11-24 is after the day of ingestion (2026-11-23)"},
	}
	for _, tt := range tests {
		_, err := Date(tt.in, today)
		if err == nil {
			t.Errorf("Date(%q) accepted", tt.in)
			continue
		}
		if Reason(err) != tt.reason || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Date(%q) = %q (%s), want %q (%s)", tt.in, err, Reason(err), tt.msg, tt.reason)
		}
	}
}

func TestDateInRangeTodayLocation(t *testing.T) {
	// Late evening in Stockholm is already the next day in UTC+1: the
	// calendar date of today in its own location counts.
	sthlm := time.FixedZone("CET", 3600)
	evening := time.Date(2026, 11, 23, 23, 30, 0, 0, sthlm)
	if err := DateInRange(day(2026, 11, 23), evening); err != nil {
		t.Errorf("today rejected: %v", err)
	}
	if err := DateInRange(day(2026, 11, 24), evening); err == nil {
		t.Errorf("tomorrow accepted")
	}
}

func TestExcelSerial(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"1", day(1900, 1, 1)},
		{"59", day(1900, 2, 28)},
		{"61", day(1900, 3, 1)},
		{"32874", day(1990, 1, 1)},
		{"45292", day(2024, 1, 1)},
		{"45292.75", day(2024, 1, 1)},
		{"45292,5", day(2024, 1, 1)},
		{" 45351 ", day(2024, 2, 29)},
		{"2958465", day(9999, 12, 31)},
	}
	for _, tt := range tests {
		got, err := ExcelSerial(tt.in)
		if err != nil {
			t.Errorf("ExcelSerial(%q): %v", tt.in, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("ExcelSerial(%q) = %s, want %s", tt.in, got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
		}
	}
	for _, in := range []string{"60", "0", "-1", "", "abc", "45292.x", "2958466", "1e5", "4.5292E4", ".5", "45 292"} {
		if got, err := ExcelSerial(in); err == nil || Reason(err) != ReasonDate {
			t.Errorf("ExcelSerial(%q) = %v, %v; want an invalid_date error", in, got, err)
		}
	}
}
