-- EF303 Dagar från uppehållstillstånd till kommunmottagande: persons
-- received on or before as_of, in the receiving municipality; x = days from
-- permit_on to settled_on.
SELECT
    municipality,
    year(settled_on)::INTEGER          AS period,
    gender,
    settled_on                         AS cohort_date,
    age_band,
    days_permit_to_settled::DOUBLE     AS x
FROM settlement_cohort
WHERE settled_on <= getvariable('as_of')
