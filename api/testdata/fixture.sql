-- Fixture for the api tests: indicator values (municipalities, a region,
-- Riket and a group), the file log and rejected rows. Values are written by
-- hand; the suppression cases have a denominator below 5.
INSERT INTO indicator_values VALUES
    -- EF101, Botkyrka 2019: K has denominator 4 (suppressed with min_n 5)
    ('EF101', '0127', 2019, 'T', 6, 10, 60.0, 31.27, 83.18, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    ('EF101', '0127', 2019, 'K', 3, 4, 75.0, 30.06, 95.44, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    ('EF101', '0127', 2019, 'M', 3, 6, 50.0, 18.76, 81.24, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    -- EF101, Haninge 2019: M has denominator 3 (suppressed)
    ('EF101', '0136', 2019, 'T', 5, 8, 62.5, 30.57, 86.32, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    ('EF101', '0136', 2019, 'K', 2, 5, 40.0, 11.76, 76.93, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    ('EF101', '0136', 2019, 'M', 3, 3, 100.0, 43.85, 100.0, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    -- EF101 aggregates 2019: Region Stockholm, Riket, Södertörn (both municipalities are members)
    ('EF101', '0001', 2019, 'T', 11, 18, 61.1111, 38.62, 79.70, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    ('EF101', '0000', 2019, 'T', 11, 18, 61.1111, 38.62, 79.70, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    ('EF101', 'G0001', 2019, 'T', 11, 18, 61.1111, 38.62, 79.70, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    -- EF101, Botkyrka 2020 (later computation)
    ('EF101', '0127', 2020, 'T', 7, 7, 100.0, 64.57, 100.0, '', '2021-06-30', '2021-07-02 02:30:00+00'),
    -- EF102 median: no numerator, no interval
    ('EF102', '0127', 2019, 'T', NULL, 5, 14.5, NULL, NULL, '', '2021-06-30', '2021-07-01 02:30:00+00'),
    -- EF301, Nacka 2020
    ('EF301', '0182', 2020, 'T', 12, 20, 60.0, 38.66, 78.12, '', '2021-06-30', '2021-07-01 02:30:00+00');

INSERT INTO files VALUES
    (1, 'inbox/so_registrations/anm_2021-05.csv', 'anm_2021-05.csv', 'so_registrations', 'aa11', 1200, 10, 6, 4, 'loaded', NULL,
     '2021-06-01 10:00:00+00', '2021-06-01 10:00:02+00', 2000, 0),
    (2, 'inbox/settlements/mott_2021-05.xlsx', 'mott_2021-05.xlsx', 'settlements', 'bb22', 5400, 20, 17, 3, 'loaded', NULL,
     '2021-06-02 10:00:00+00', '2021-06-02 10:00:01+00', 1000, 0),
    (3, 'inbox/okand.csv', 'okand.csv', NULL, 'cc33', 300, 0, 0, 0, 'failed', 'the header row matches no file kind; put the file in inbox/<kind>/',
     '2021-06-03 10:00:00+00', '2021-06-03 10:00:00+00', 5, 0);

INSERT INTO rejected_rows VALUES
    (1, 'so_registrations', 3, 'personnummer', '19850101-****', 'invalid_person_id', 'line 3, column "personnummer": "19850101-****" fails the check digit'),
    (1, 'so_registrations', 5, 'personnummer', '19900230-****', 'invalid_person_id', 'line 5, column "personnummer": "19900230-****" is not a real date'),
    (1, 'so_registrations', 7, 'personnummer', '19771212-****', 'invalid_person_id', 'line 7, column "personnummer": "19771212-****" fails the check digit'),
    (1, 'so_registrations', 9, 'personnummer', '19660606-****', 'invalid_person_id', 'line 9, column "personnummer": "19660606-****" fails the check digit'),
    (2, 'settlements', 4, 'mottagningsdatum', '2019-02-30', 'invalid_date', 'line 4, column "mottagningsdatum": "2019-02-30" is not a date (expected YYYY-MM-DD)'),
    (2, 'settlements', 8, NULL, NULL, 'superseded', 'line 8: a later row (line 12) has the same person; the later row wins'),
    (2, 'settlements', 10, NULL, NULL, 'superseded', 'line 10: a later row (line 15) has the same person; the later row wins');
