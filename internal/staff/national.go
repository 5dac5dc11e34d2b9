package staff

import (
	"sort"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"acquis/internal/account"
	"acquis/internal/geo"
)

// PlatformPlan is one platform's line of the national view.
type PlatformPlan struct {
	Platform account.Organisation
	Plan     Plan
}

// RegionPlan is one région's line: its platforms' plans added up.
type RegionPlan struct {
	Code, Name string
	Platforms  int
	Plan       Plan
}

// National is the national (or one région's) view of the plan.
type National struct {
	Platforms []PlatformPlan
	Regions   []RegionPlan
	Total     Plan
}

// AboveCeiling lists the platforms whose persons per counsellor ETP
// outside « veille » pass seed 001's ceiling of 20.
func (n National) AboveCeiling() []PlatformPlan {
	var out []PlatformPlan
	for _, p := range n.Platforms {
		if p.Plan.Staffing.AboveCeiling() {
			out = append(out, p)
		}
	}
	return out
}

// Aggregate builds the national view from every platform, every staff
// member (from AllStaff), the changed targets and the national
// apportionment of default targets (Defaults over every platform's staff,
// even when the view is one région's), as of day today.
// Platforms come in the order sortBy asks: "gap" (most behind first),
// "holders", or by département.
func Aggregate(platforms []account.Organisation, members []Member, targets []Target, defaults map[int64][LastYear - FirstYear + 1]int, today time.Time, sortBy string) National {
	byPlatform := map[int64][]Member{}
	for _, m := range members {
		byPlatform[m.PlatformID] = append(byPlatform[m.PlatformID], m)
	}
	targetsOf := map[int64][]Target{}
	for _, t := range targets {
		targetsOf[t.PlatformID] = append(targetsOf[t.PlatformID], t)
	}
	var n National
	regions := map[string]*RegionPlan{}
	n.Total = BuildPlan(nil, nil, today)
	for _, o := range platforms {
		p := BuildPlanWith(byPlatform[o.ID], targetsOf[o.ID], defaults[o.ID], today)
		n.Platforms = append(n.Platforms, PlatformPlan{Platform: o, Plan: p})
		r, ok := regions[o.RegionCode]
		if !ok {
			r = &RegionPlan{Code: o.RegionCode, Name: geo.RegionName(o.RegionCode), Plan: BuildPlan(nil, nil, today)}
			regions[o.RegionCode] = r
		}
		r.Platforms++
		r.Plan = r.Plan.Add(p, today)
		n.Total = n.Total.Add(p, today)
	}
	for _, r := range regions {
		n.Regions = append(n.Regions, *r)
	}
	// Régions in French order: Île-de-France among the I, not after Occitanie.
	coll := collate.New(language.French)
	sort.Slice(n.Regions, func(i, j int) bool { return coll.CompareString(n.Regions[i].Name, n.Regions[j].Name) < 0 })
	sort.SliceStable(n.Platforms, func(i, j int) bool {
		a, b := n.Platforms[i], n.Platforms[j]
		switch sortBy {
		case "gap":
			if a.Plan.Gap != b.Plan.Gap {
				return a.Plan.Gap > b.Plan.Gap
			}
		case "holders":
			if a.Plan.Holders != b.Plan.Holders {
				return a.Plan.Holders > b.Plan.Holders
			}
		}
		return a.Platform.DepartementCode < b.Platform.DepartementCode
	})
	return n
}
