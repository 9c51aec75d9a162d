package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// Pager pages a list with ?page=N (1-based), keeping the other query
// parameters (search, filters) in its links.
type Pager struct {
	Total  int
	Limit  int
	Offset int
	url    url.URL
}

// PageOffset is the row offset of the requested page; a missing or bad page
// number means the first page.
func PageOffset(r *http.Request, limit int) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		n = 1
	}
	return (n - 1) * limit
}

// NewPager describes the requested page of a list of total rows.
func NewPager(r *http.Request, total, limit int) Pager {
	return Pager{Total: total, Limit: limit, Offset: PageOffset(r, limit), url: *r.URL}
}

// Page is the current page number.
func (p Pager) Page() int { return p.Offset/p.Limit + 1 }

// Pages is the number of pages (at least 1).
func (p Pager) Pages() int {
	if p.Total <= 0 {
		return 1
	}
	return (p.Total + p.Limit - 1) / p.Limit
}

// From is the 1-based number of the first row shown (0 when none).
func (p Pager) From() int {
	if p.Offset >= p.Total {
		return 0
	}
	return p.Offset + 1
}

// To is the number of the last row shown.
func (p Pager) To() int { return min(p.Offset+p.Limit, p.Total) }

// HasPrev reports whether there is a previous page.
func (p Pager) HasPrev() bool { return p.Page() > 1 }

// HasNext reports whether there is a next page.
func (p Pager) HasNext() bool { return p.Page() < p.Pages() }

// PrevURL is the link to the previous page.
func (p Pager) PrevURL() string { return p.URL(p.Page() - 1) }

// NextURL is the link to the next page.
func (p Pager) NextURL() string { return p.URL(p.Page() + 1) }

// URL is the link to page n with the same filters.
func (p Pager) URL(n int) string {
	u := p.url
	q := u.Query()
	if n <= 1 {
		q.Del("page")
	} else {
		q.Set("page", strconv.Itoa(n))
	}
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
