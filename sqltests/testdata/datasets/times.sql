-- The times dataset: time of day columns (time, time(p)) beside dates and
-- timestamps, with NULLs, midnight at both ends of the day, microseconds
-- and duplicates for GROUP BY.

CREATE TABLE shifts (
    id integer NOT NULL,
    grp text,
    d date,
    starts time,
    ends time(2),
    ts timestamp
);

INSERT INTO shifts VALUES
    (1, 'a', '2024-01-01', '08:00', '16:30', '2024-01-01 08:00:00'),
    (2, 'a', '2024-01-01', '09:15:30', '17:45:10.25', '2024-01-01 09:15:30.5'),
    (3, 'b', '2024-01-02', '00:00', '24:00', '2024-01-02 00:00:00'),
    (4, 'b', NULL, '23:59:59.999999', '00:00:00.01', NULL),
    (5, 'c', '2024-02-29', NULL, NULL, '2024-02-29 12:34:56.789012'),
    (6, 'c', '2024-03-01', '08:00', '12:00:00.99', '2024-03-01 23:59:59'),
    (7, 'a', '2023-12-31', '13:14:15.161718', '20:00', '2023-12-31 13:14:15');
