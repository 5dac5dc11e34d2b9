package staff

import (
	"math"
	"time"
)

// Ceiling is seed 001's bound: « le nombre de personnes accompagnées par
// le conseiller (ETP) n'excède pas 20 personnes hors veille ».
const Ceiling = 20

// MaxAccompanied bounds one counsellor's count, against typing mistakes.
const MaxAccompanied = 1000

// Staffing is seed 001's « indicateurs relatifs aux ressources
// mobilisées » read from the roster, for staff in post on the day: the
// total ETP, the ETP dedicated to accompaniment (counsellors), and the
// persons accompanied per counsellor ETP outside « veille » against the
// ceiling of 20.
type Staffing struct {
	// FTE is « nombre total d'ETP affectés à la plateforme ».
	FTE float64 `json:"fte_total"`
	// CounsellorFTE is « nombre d'ETP dédiés à l'accompagnement
	// (référents emploi accompagné) ».
	CounsellorFTE float64 `json:"fte_accompaniment"`
	// Accompanied and Veille add up what the counsellors said; ReportedFTE
	// is the ETP of the counsellors who said it, Unreported how many did
	// not: the ratio is over the ETP that reported only.
	Accompanied int     `json:"persons_accompanied"`
	Veille      int     `json:"persons_veille"`
	ReportedFTE float64 `json:"fte_reported"`
	Unreported  int     `json:"counsellors_unreported"`
	// OverCeiling counts the counsellors above 20 persons outside
	// « veille » per ETP of their own.
	OverCeiling int `json:"counsellors_over_ceiling"`
}

// countStaffing computes the staffing indicators on day today.
func countStaffing(members []Member, today time.Time) Staffing {
	var s Staffing
	for i := range members {
		m := &members[i]
		if !m.Active(today) {
			continue
		}
		s.FTE += m.FTE
		if m.Function != Counsellor {
			continue
		}
		s.CounsellorFTE += m.FTE
		if m.Accompanied == nil {
			s.Unreported++
			continue
		}
		if m.Veille != nil {
			s.Veille += *m.Veille
		}
		s.Accompanied += *m.Accompanied
		s.ReportedFTE += m.FTE
		if m.OverCeiling() {
			s.OverCeiling++
		}
	}
	s.FTE, s.CounsellorFTE, s.ReportedFTE = round2(s.FTE), round2(s.CounsellorFTE), round2(s.ReportedFTE)
	return s
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func (s Staffing) add(t Staffing) Staffing {
	return Staffing{FTE: round2(s.FTE + t.FTE), CounsellorFTE: round2(s.CounsellorFTE + t.CounsellorFTE), Accompanied: s.Accompanied + t.Accompanied,
		Veille: s.Veille + t.Veille, ReportedFTE: round2(s.ReportedFTE + t.ReportedFTE), Unreported: s.Unreported + t.Unreported, OverCeiling: s.OverCeiling + t.OverCeiling}
}

// PerFTE is « nombre moyen de personnes suivies par conseiller (ETP) »,
// outside « veille », over the ETP of the counsellors who reported; ok is
// false when none did.
func (s Staffing) PerFTE() (ratio float64, ok bool) {
	if s.ReportedFTE <= 0 {
		return 0, false
	}
	return math.Round(float64(s.Accompanied-s.Veille)/s.ReportedFTE*10) / 10, true
}

// AboveCeiling reports whether the scope's ratio passes 20 persons per
// counsellor ETP outside « veille ».
func (s Staffing) AboveCeiling() bool {
	r, ok := s.PerFTE()
	return ok && r > Ceiling
}

// PerFTEText says the ratio in French (« 18,5 »), or « — » when unknown.
func (s Staffing) PerFTEText() string {
	r, ok := s.PerFTE()
	if !ok {
		return "—"
	}
	return frenchDecimal(r)
}

// frenchDecimal writes a decimal with a comma.
func frenchDecimal(f float64) string { return cellText(f) }

// OverCeiling reports whether a counsellor accompanies more than 20
// persons outside « veille » per ETP of their own.
func (m *Member) OverCeiling() bool {
	if m.Function != Counsellor || m.Accompanied == nil {
		return false
	}
	active := *m.Accompanied
	if m.Veille != nil {
		active -= *m.Veille
	}
	return float64(active) > Ceiling*m.FTE+1e-9
}
