// Package config reads acquis's configuration from the environment and the
// command line. Flags override environment variables so that a one-off run
// can change a setting without touching the deployment's environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting the application reads at start-up.
type Config struct {
	// DatabaseURL is a PostgreSQL URL or keyword DSN of the serving role
	// (neither superuser nor schema owner); empty means the embedded
	// cluster under DataDir.
	DatabaseURL string
	// MigrateDatabaseURL is the URL of the schema's owner, with which
	// migrations run; the embedded cluster needs none.
	MigrateDatabaseURL string
	// AuditKey, when set, is the key of the audit log's MAC; otherwise
	// acquis keeps one in DataDir/audit.key.
	AuditKey string
	// Addr is the HTTP listen address.
	Addr string
	// DataDir holds the blob store and, by default, the embedded cluster.
	DataDir string
	// MetricsToken, when set, lets a scraper read /metrics from anywhere
	// with "Authorization: Bearer <token>"; without it only a direct
	// loopback connection may.
	MetricsToken string
	// BlobURL, when set, puts the blob store in an S3-compatible bucket
	// (s3://bucket/prefix?endpoint=…&region=…) instead of DataDir/blobs,
	// so several instances share it.
	BlobURL string
	// BaseURL is the public URL used in e-mails; it defaults to http://Addr.
	BaseURL string
	// SMTPURL, when set, sends mail through that server; otherwise mail is
	// logged and kept in the admin outbox.
	SMTPURL string
	// MaxUploadBytes bounds one uploaded file.
	MaxUploadBytes int64
	// SessionIdle and SessionLifetime bound a login session.
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// LogFormat is "text" or "json".
	LogFormat string
	// AccrochageClientID and AccrochageContractID identify the certifier in
	// the Caisse des Dépôts flow.
	AccrochageClientID   string
	AccrochageContractID string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// is believed; a request from anywhere else is identified by its
	// socket address, so a client cannot choose the address that login
	// throttling counts against.
	TrustedProxies []*net.IPNet

	// SigningCert, when set, is the certificate that signs the PDFs (PEM
	// with its key, or PKCS#12): for a qualified certificate. Otherwise a
	// self-signed one is made at first start in DataDir/keys.
	SigningCert string
	// SigningCertPassword opens a PKCS#12 SigningCert.
	SigningCertPassword string
}

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./var",
		MaxUploadBytes:  50 << 20,
		SessionIdle:     2 * time.Hour,
		SessionLifetime: 12 * time.Hour,
		LogFormat:       "text",
	}
}

// Env is the subset of the environment that config reads; tests pass a map.
type Env func(key string) string

// Load builds the configuration from env, then from args parsed by fs.
// It returns one error naming the faulty setting.
func Load(fs *flag.FlagSet, args []string, env Env) (Config, error) {
	if env == nil {
		env = os.Getenv
	}
	c := Defaults()
	var errs []error
	str := func(key string, dst *string) {
		if v := env(key); v != "" {
			*dst = v
		}
	}
	str("ACQUIS_DATABASE_URL", &c.DatabaseURL)
	str("ACQUIS_MIGRATE_DATABASE_URL", &c.MigrateDatabaseURL)
	str("ACQUIS_AUDIT_KEY", &c.AuditKey)
	str("ACQUIS_ADDR", &c.Addr)
	str("ACQUIS_DATA_DIR", &c.DataDir)
	str("ACQUIS_BLOB_URL", &c.BlobURL)
	str("ACQUIS_METRICS_TOKEN", &c.MetricsToken)
	str("ACQUIS_BASE_URL", &c.BaseURL)
	str("ACQUIS_SMTP_URL", &c.SMTPURL)
	str("ACQUIS_LOG_FORMAT", &c.LogFormat)
	str("ACQUIS_ACCROCHAGE_ID_CLIENT", &c.AccrochageClientID)
	str("ACQUIS_ACCROCHAGE_ID_CONTRAT", &c.AccrochageContractID)
	str("ACQUIS_SIGNING_CERT", &c.SigningCert)
	str("ACQUIS_SIGNING_CERT_PASSWORD", &c.SigningCertPassword)
	if v := env("ACQUIS_MAX_UPLOAD_MB"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("ACQUIS_MAX_UPLOAD_MB doit être un nombre entier positif de mégaoctets (reçu %q)", v))
		} else {
			c.MaxUploadBytes = n << 20
		}
	}
	dur := func(key string, dst *time.Duration) {
		if v := env(key); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s doit être une durée positive comme 30m ou 2h (reçu %q)", key, v))
				return
			}
			*dst = d
		}
	}
	if v := env("ACQUIS_TRUSTED_PROXIES"); v != "" {
		nets, err := ParseCIDRList(v)
		if err != nil {
			errs = append(errs, err)
		} else {
			c.TrustedProxies = nets
		}
	}
	dur("ACQUIS_SESSION_IDLE", &c.SessionIdle)
	dur("ACQUIS_SESSION_LIFETIME", &c.SessionLifetime)
	if len(errs) > 0 {
		return c, errs[0]
	}
	if fs != nil {
		fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "URL PostgreSQL du rôle de service (vide : base embarquée) [ACQUIS_DATABASE_URL]")
		fs.StringVar(&c.MigrateDatabaseURL, "migrate-database-url", c.MigrateDatabaseURL, "URL PostgreSQL du propriétaire du schéma, pour les migrations [ACQUIS_MIGRATE_DATABASE_URL]")
		fs.StringVar(&c.Addr, "addr", c.Addr, "adresse d'écoute HTTP [ACQUIS_ADDR]")
		fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "dossier des données [ACQUIS_DATA_DIR]")
		fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "URL publique, pour les liens des courriels [ACQUIS_BASE_URL]")
		fs.StringVar(&c.AccrochageClientID, "accrochage-id-client", c.AccrochageClientID, "identifiant client Caisse des Dépôts, 8 caractères [ACQUIS_ACCROCHAGE_ID_CLIENT]")
		fs.StringVar(&c.AccrochageContractID, "accrochage-id-contrat", c.AccrochageContractID, "identifiant de contrat Caisse des Dépôts [ACQUIS_ACCROCHAGE_ID_CONTRAT]")
		fs.StringVar(&c.SigningCert, "signing-cert", c.SigningCert, "certificat de signature des PDF, PEM ou PKCS#12 (vide : certificat auto-signé) [ACQUIS_SIGNING_CERT]")
		if err := fs.Parse(args); err != nil {
			return c, err
		}
	}
	return c, c.Validate()
}

// Validate checks the settings that would otherwise fail later and obscurely.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("adresse d'écoute invalide %q : attendu hôte:port, par exemple 127.0.0.1:8080", c.Addr)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("le dossier de données (ACQUIS_DATA_DIR) ne peut pas être vide")
	}
	for name, v := range map[string]string{"ACQUIS_DATABASE_URL": c.DatabaseURL, "ACQUIS_MIGRATE_DATABASE_URL": c.MigrateDatabaseURL} {
		if v != "" && strings.Contains(v, "://") {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
				return fmt.Errorf("%s invalide : attendu postgres://utilisateur@hôte:port/base", name)
			}
		}
	}
	if c.BlobURL != "" {
		if u, err := url.Parse(c.BlobURL); err != nil || u.Scheme != "s3" || u.Host == "" {
			return fmt.Errorf("ACQUIS_BLOB_URL invalide %q : attendu s3://bucket/préfixe?endpoint=https://hôte&region=…", c.BlobURL)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		return errors.New("ACQUIS_METRICS_TOKEN est trop court : au moins 32 caractères (par exemple : openssl rand -hex 32)")
	}
	if c.AuditKey != "" && len(c.AuditKey) < 32 {
		return errors.New("ACQUIS_AUDIT_KEY est trop courte : au moins 32 caractères (par exemple : openssl rand -hex 32)")
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("ACQUIS_BASE_URL invalide %q : attendu http(s)://hôte", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return fmt.Errorf("ACQUIS_SMTP_URL invalide : attendu smtp://utilisateur:motdepasse@hôte:port")
		}
	}
	if c.SigningCert != "" {
		if _, err := os.Stat(c.SigningCert); err != nil {
			return fmt.Errorf("ACQUIS_SIGNING_CERT : fichier introuvable %q", c.SigningCert)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("ACQUIS_LOG_FORMAT doit valoir text ou json (reçu %q)", c.LogFormat)
	}
	return nil
}

// ParseCIDRList reads a comma- or space-separated list of networks in CIDR
// notation; a bare address stands for itself alone (/32 or /128).
func ParseCIDRList(v string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("ACQUIS_TRUSTED_PROXIES : %q n'est ni une adresse IP ni un réseau CIDR (exemple : 10.0.0.0/8, 127.0.0.1)", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("ACQUIS_TRUSTED_PROXIES : %q n'est pas un réseau CIDR valide (exemple : 10.0.0.0/8)", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// Embedded reports whether acquis runs its own PostgreSQL cluster: no
// database URL of either role is configured.
func (c Config) Embedded() bool { return c.DatabaseURL == "" && c.MigrateDatabaseURL == "" }

// Secure reports whether the app is served over HTTPS, which decides the
// cookie's Secure flag.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// KeysDir is where the signing keys are kept: in the data directory,
// never in the database, so that a database dump does not carry them.
func (c Config) KeysDir() string { return filepath.Join(c.DataDir, "keys") }
