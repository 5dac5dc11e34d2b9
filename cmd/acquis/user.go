package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"strings"

	"acquis/internal/account"
	"acquis/internal/audit"
	"acquis/internal/config"
	"acquis/internal/fielderr"
)

const userUsage = `Usage : acquis user create --email ADRESSE --name "Nom Prénom" --role admin [--password-stdin]

Crée un compte (par exemple le premier administrateur). Sans --password-stdin,
un mot de passe aléatoire est choisi et affiché une seule fois.`

func runUser(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{userUsage}
	}
	fs := flag.NewFlagSet("acquis user create", flag.ContinueOnError)
	email := fs.String("email", "", "adresse électronique")
	name := fs.String("name", "", "nom complet")
	role := fs.String("role", "admin", "rôle : admin, jury_member, candidate, observer")
	stdin := fs.Bool("password-stdin", false, "lire le mot de passe sur l'entrée standard")
	cfg, err := config.Load(fs, args[1:], nil)
	if err != nil {
		return err
	}
	if *email == "" {
		return usageError{"--email est obligatoire\n\n" + userUsage}
	}
	if *name == "" {
		*name = strings.SplitN(*email, "@", 2)[0]
	}
	r := account.Role(*role)
	if !r.Valid() || r == account.RolePlatformManager {
		return fmt.Errorf("rôle %q impossible ici : choisissez admin, jury_member, candidate ou observer (un gestionnaire s'invite depuis /admin/users)", *role)
	}
	pw := ""
	if *stdin {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("aucun mot de passe lu sur l'entrée standard")
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		pw = randomPassword()
	}
	log := newLogger(cfg.LogFormat)
	e, err := openEnv(ctx, cfg, log, asServer)
	if err != nil {
		return err
	}
	defer e.close()
	id, err := account.NewStore(e.db).CreateUser(ctx, audit.System, account.NewUser{Email: *email, FullName: *name, Password: pw, Grants: []account.Grant{{Role: r}}})
	if errors.Is(err, account.ErrEmailTaken) {
		return fmt.Errorf("un compte existe déjà avec l'adresse %s", *email)
	}
	var ve *fielderr.Error
	if errors.As(err, &ve) {
		return errors.New(ve.Message)
	}
	if err != nil {
		return err
	}
	fmt.Printf("Compte n° %d créé : %s (%s)\n", id, *email, r.Label())
	if !*stdin {
		fmt.Printf("Mot de passe (affiché une seule fois) : %s\n", pw)
	}
	return nil
}

func randomPassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}
