package web

// The paths of the pages about a record, built in one place.

import "strconv"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func candidacyPath(id int64) string { return "/candidatures/" + itoa(id) }

func platformPath(id int64) string { return "/plateformes/" + strconv.FormatInt(id, 10) }

func sessionPath(id int64) string { return "/jury/sessions/" + itoa(id) }

func managePath(id int64) string { return "/certificateur/jurys/" + itoa(id) }
