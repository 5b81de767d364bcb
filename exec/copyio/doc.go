// Package copyio reads and writes the row formats of COPY: PostgreSQL's
// text format (delimited fields, backslash escapes, \N for NULL, a lone \.
// ending the data) and CSV (quoted fields that may hold newlines, a HEADER
// line). Rows are lists of text fields; converting them to typed values is
// the caller's job, so that errors can name the line and the column.
//
// copyio imports only pgerr.
package copyio
