package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// maxPageNumber bounds the page asked for, so that the offset stays an
// ordinary number whatever the query says.
const maxPageNumber = 1_000_000

// pager is where a paginated list stands: the page asked (from 1), its
// size, and how many items there are in all.
type pager struct {
	Page, PerPage, Total int
	base                 *url.URL // the request's URL, whose query the links keep
}

// readPager reads ?page= and ?per_page= (perPage by default, at most
// maxPer). A page that is not a whole number between 1 and maxPageNumber
// is refused in French, never turned into a 500.
func readPager(c echo.Context, perPage, maxPer int) (pager, error) {
	p := pager{Page: 1, PerPage: perPage, base: c.Request().URL}
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageNumber {
			return p, failField(http.StatusBadRequest, "page", fmt.Sprintf("Numéro de page invalide : indiquez un nombre entier entre 1 et %d.", maxPageNumber))
		}
		p.Page = n
	}
	if v := c.QueryParam("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPer {
			return p, failField(http.StatusBadRequest, "per_page", fmt.Sprintf("Taille de page invalide : indiquez un nombre entier entre 1 et %d.", maxPer))
		}
		p.PerPage = n
	}
	return p, nil
}

// Offset is how many items come before the page.
func (p pager) Offset() int { return (p.Page - 1) * p.PerPage }

// Last is the number of the last page (1 for an empty list).
func (p pager) Last() int {
	if p.Total <= p.PerPage {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// Prev is the previous page's number, 0 on the first.
func (p pager) Prev() int {
	if p.Page <= 1 {
		return 0
	}
	return min(p.Page-1, p.Last())
}

// Next is the next page's number, 0 on the last.
func (p pager) Next() int {
	if p.Page >= p.Last() {
		return 0
	}
	return p.Page + 1
}

// URL is the address of page n: the request's path and query (filters
// included), with the page replaced.
func (p pager) URL(n int) string {
	q := url.Values{}
	if p.base != nil {
		q = p.base.Query()
	}
	q.Set("page", strconv.Itoa(n))
	path := "/"
	if p.base != nil {
		path = p.base.Path
	}
	return path + "?" + q.Encode()
}

// setLinks writes the RFC 8288 Link header of an API page (first, prev,
// next, last) and X-Total-Count.
func (p pager) setLinks(c echo.Context) {
	links := []string{fmt.Sprintf(`<%s>; rel="first"`, p.URL(1))}
	if n := p.Prev(); n > 0 {
		links = append(links, fmt.Sprintf(`<%s>; rel="prev"`, p.URL(n)))
	}
	if n := p.Next(); n > 0 {
		links = append(links, fmt.Sprintf(`<%s>; rel="next"`, p.URL(n)))
	}
	links = append(links, fmt.Sprintf(`<%s>; rel="last"`, p.URL(p.Last())))
	h := c.Response().Header()
	h.Set("Link", strings.Join(links, ", "))
	h.Set("X-Total-Count", strconv.Itoa(p.Total))
}

// pageInfo is the pagination member of an API list.
type pageInfo struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
	Pages   int `json:"pages"`
}

func (p pager) info() pageInfo {
	return pageInfo{Page: p.Page, PerPage: p.PerPage, Total: p.Total, Pages: p.Last()}
}
