package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// the VCS revision Go records in the binary is shown.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	rev, dirty := "dev", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
				if len(rev) > 12 {
					rev = rev[:12]
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if dirty {
		rev += "-modifié"
	}
	return rev
}

func runVersion(ctx context.Context, args []string) error {
	fmt.Println("acquis", versionString())
	return nil
}
