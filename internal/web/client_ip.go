package web

import (
	"net"

	"github.com/labstack/echo/v4"
)

// ipExtractor decides which address a request comes from, for the login
// throttle, the audit log and the request log. Without trusted proxies it
// is the socket's peer: any X-Forwarded-For a client sends is ignored, so
// it cannot pick the address it is counted against. With trusted proxies
// (ACQUIS_TRUSTED_PROXIES), X-Forwarded-For is read from the right and the
// first address that is not one of those proxies is the client; a request
// that does not come through a trusted proxy is still its socket's peer.
// Loopback and private networks are trusted only when listed.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
