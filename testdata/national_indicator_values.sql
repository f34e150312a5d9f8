-- indicator_values at national scale for the benchmarks of api/, export/ and
-- metrics/: 11 kpis × 314 areas (290 municipalities, 21 regions, Riket and
-- the two default groups) × 10 periods × 3 genders = 103 620 cells, about a
-- tenth of them with a denominator of 3 (suppressed at min_n 5).
INSERT INTO indicator_values
SELECT k.kpi, a.id, p.period, g.gender,
       (h % 50)::BIGINT, CASE WHEN h % 10 = 0 THEN 3 ELSE 50 + h % 100 END,
       (h % 1000) / 10.0, (h % 1000) / 10.0 - 5, (h % 1000) / 10.0 + 5, '', DATE '2025-06-30', TIMESTAMPTZ '2025-07-01 02:30:00+00'
FROM (SELECT id FROM municipalities UNION ALL SELECT 'G0001' UNION ALL SELECT 'G0002') a(id),
     (SELECT 'EF' || x FROM (VALUES ('101'),('102'),('103'),('104'),('105'),('201'),('301'),('302'),('303'),('401'),('402')) v(x)) k(kpi),
     (SELECT range::INTEGER FROM range(2015, 2025)) p(period),
     (VALUES ('T'),('K'),('M')) g(gender),
     LATERAL (SELECT hash(k.kpi, a.id, p.period, g.gender) AS h);
