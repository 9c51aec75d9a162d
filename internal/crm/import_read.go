package crm

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/hotline-cc/hotline/internal/apperr"
)

// rowReader streams the rows of an uploaded sheet.
type rowReader interface {
	// Next returns the next row and its line number in the file (the
	// header is line 1); io.EOF after the last row.
	Next() (int, []string, error)
	// Progress says how far the reader got: done of total (bytes or rows).
	Progress() (done, total int64)
	Close() error
}

// Import file formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// MaxImportRows bounds one import (the header not counted).
const MaxImportRows = 1_000_000

func openRows(path, format string) (rowReader, error) {
	switch format {
	case FormatCSV:
		return openCSV(path)
	case FormatXLSX:
		return openXLSX(path)
	}
	return nil, apperr.Invalid("file", "unknown format %q", format)
}

// countingReader counts the bytes read through it (CSV progress).
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type csvRows struct {
	f    *os.File
	cnt  *countingReader
	size int64
	r    *csv.Reader
}

// openCSV reads UTF-8 (with or without BOM) or, as Excel in China saves it,
// GB18030/GBK; the delimiter (comma, semicolon or tab) is taken from the
// header line.
func openCSV(path string) (*csvRows, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("crm: open upload: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	cnt := &countingReader{r: f}
	br := bufio.NewReaderSize(cnt, 64<<10)
	head, _ := br.Peek(64 << 10)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		f.Close()
		return nil, apperr.Invalid("file", "the CSV file is UTF-16; save it as CSV UTF-8 (or GBK) and upload again")
	}
	var rd io.Reader = br
	if !validUTF8Prefix(head) {
		rd = simplifiedchinese.GB18030.NewDecoder().Reader(br)
		head, _ = simplifiedchinese.GB18030.NewDecoder().Bytes(head)
	}
	r := csv.NewReader(rd)
	r.Comma = sniffDelimiter(head)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return &csvRows{f: f, cnt: cnt, size: st.Size(), r: r}, nil
}

// validUTF8Prefix reports whether b is UTF-8, allowing a rune cut off at the
// end of the peeked prefix.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func sniffDelimiter(head []byte) rune {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	best, bestN := ',', bytes.Count(line, []byte(","))
	for _, d := range []rune{';', '\t'} {
		if n := bytes.Count(line, []byte(string(d))); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

func (c *csvRows) Next() (int, []string, error) {
	rec, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return pe.StartLine, nil, apperr.Invalid("file", "line %d of the CSV file cannot be read: %v", pe.StartLine, pe.Err)
		}
		return 0, nil, err
	}
	line, _ := c.r.FieldPos(0)
	return line, rec, nil
}

func (c *csvRows) Progress() (int64, int64) { return c.cnt.n, c.size }
func (c *csvRows) Close() error             { return c.f.Close() }

type xlsxRows struct {
	f     *excelize.File
	rows  *excelize.Rows
	line  int
	total int64
}

// openXLSX reads the first sheet with excelize's streaming row iterator.
// Unzip limits keep a zip bomb from filling memory or disk.
func openXLSX(path string) (*xlsxRows, error) {
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: 2 << 30, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		return nil, apperr.Invalid("file", "not a readable .xlsx file: %v", err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, apperr.Invalid("file", "the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, apperr.Invalid("file", "cannot read sheet %q: %v", sheets[0], err)
	}
	x := &xlsxRows{f: f, rows: rows}
	if dim, err := f.GetSheetDimension(sheets[0]); err == nil {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			if _, row, err := excelize.CellNameToCoordinates(last); err == nil {
				x.total = int64(row)
			}
		}
	}
	return x, nil
}

// Next counts every iteration as one line: excelize's iterator yields an
// empty row for each row missing from the sheet, so the count is the row
// number Excel shows.
func (x *xlsxRows) Next() (int, []string, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return 0, nil, apperr.Invalid("file", "cannot read row %d: %v", x.line+1, err)
		}
		return 0, nil, io.EOF
	}
	x.line++
	cols, err := x.rows.Columns()
	if err != nil {
		return x.line, nil, apperr.Invalid("file", "cannot read row %d: %v", x.line, err)
	}
	return x.line, cols, nil
}

func (x *xlsxRows) Progress() (int64, int64) { return int64(x.line), x.total }

func (x *xlsxRows) Close() error {
	x.rows.Close()
	return x.f.Close()
}

// cleanCell trims a cell, joins the lines of a multi-line cell and removes
// the apostrophe our CSV export puts in front of values a spreadsheet would
// otherwise run as formulas.
func cleanCell(s string) string {
	s = strings.TrimSpace(cellLines.Replace(s))
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@", rune(s[1])) {
		s = s[1:]
	}
	return s
}

var cellLines = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

func emptyRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
