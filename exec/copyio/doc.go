// Package copyio reads and writes the row formats of COPY: PostgreSQL's
// text format (delimited fields, backslash escapes, \N for NULL, a lone \.
// ending the data) and CSV (quoted fields that may hold newlines, a HEADER
// line). Rows are lists of text fields; converting them to typed values is
// the caller's job, so that errors can name the line and the column.
//
// Reader.Next returns rows the caller may keep; Reader.NextRaw returns the
// same fields as byte slices into the reader's buffers, valid until the
// next call, for loaders that convert every field at once (COPY FROM): a
// row without escapes or quotes is split in place, with no copy.
//
// copyio imports only pgerr.
package copyio
