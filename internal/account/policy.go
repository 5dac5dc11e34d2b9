package account

// Role is what a user may do, always within a scope.
type Role string

// The roles. A user may hold several, each with its own scope.
const (
	RoleAdmin           Role = "admin"            // certifier staff: everything
	RolePlatformManager Role = "platform_manager" // one platform
	RoleJuryMember      Role = "jury_member"      // the certifier's jury pool
	RoleCandidate       Role = "candidate"        // themselves
	RoleObserver        Role = "observer"         // read-only, national or one région
)

// Roles lists every role in the order forms show them.
var Roles = []Role{RoleAdmin, RolePlatformManager, RoleJuryMember, RoleCandidate, RoleObserver}

// Label is the role's French name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrateur (certificateur)"
	case RolePlatformManager:
		return "Gestionnaire de plateforme"
	case RoleJuryMember:
		return "Membre du jury"
	case RoleCandidate:
		return "Candidat"
	case RoleObserver:
		return "Observateur (pilotage)"
	}
	return string(r)
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Grant is one role with its scope: a platform for managers, a région (or
// none, meaning national) for observers.
type Grant struct {
	ID         int64  `db:"id" json:"id"`
	Role       Role   `db:"role" json:"role"`
	PlatformID int64  `db:"platform_id" json:"platform_id,omitempty"`
	RegionCode string `db:"region_code" json:"region_code,omitempty"`
}

// Principal is who is asking: the signed-in user and their grants.
type Principal struct {
	UserID         int64
	Email          string
	Name           string
	OrganisationID int64
	Grants         []Grant
}

// Has reports whether the principal holds role in any scope.
func (p *Principal) Has(role Role) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// ManagedPlatforms lists the platforms this principal manages.
func (p *Principal) ManagedPlatforms() []int64 {
	var out []int64
	if p == nil {
		return nil
	}
	for _, g := range p.Grants {
		if g.Role == RolePlatformManager {
			out = append(out, g.PlatformID)
		}
	}
	return out
}

// ObservedRegions returns the régions this principal observes; national
// is true when one observer grant has no région.
func (p *Principal) ObservedRegions() (regions []string, national bool) {
	if p == nil {
		return nil, false
	}
	for _, g := range p.Grants {
		if g.Role == RoleObserver {
			if g.RegionCode == "" {
				national = true
			} else {
				regions = append(regions, g.RegionCode)
			}
		}
	}
	return regions, national
}

// Action is something a request does; every route names one.
type Action string

// The actions the policy knows. Later parts of the product add theirs here,
// so that this file stays the one place where access is decided.
const (
	ActPublic          Action = "public"           // anyone, signed in or not
	ActSelf            Action = "account.self"     // any signed-in user, on their own account
	ActAdminUsers      Action = "admin.users"      // manage users and roles
	ActAdminOrgs       Action = "admin.orgs"       // manage organisations and platforms
	ActAdminAudit      Action = "admin.audit"      // read the audit log
	ActAdminOutbox     Action = "admin.outbox"     // read the mail outbox
	ActPlatformRead    Action = "platform.read"    // see one platform's pages
	ActPlatformManage  Action = "platform.manage"  // change one platform's data, invite its staff
	ActNationalRead    Action = "national.read"    // national and regional aggregates
	ActCandidateSpace  Action = "candidate.space"  // a candidate's own space: list and open candidacies
	ActCandidacyOwn    Action = "candidacy.own"    // a candidate's own candidacy
	ActCandidacyRead   Action = "candidacy.read"   // read a candidacy (owner, certifier, its jury)
	ActCertifierManage Action = "certifier.manage" // certifier's work: admissibility, sessions, exports
	ActJurySpace       Action = "jury.space"       // a jury member's own list of sessions
	ActJuryRead        Action = "jury.read"        // a jury session the member sits on
	ActJuryScore       Action = "jury.score"       // score a candidate assigned to this member
	ActJurySit         Action = "jury.sit"         // a member's own acts for any candidate of their session: declare, vote
	ActJuryChair       Action = "jury.chair"       // what only the session's chair does
	ActJuryFile        Action = "jury.file"        // a candidacy's jury file: every verdict, once the jury deliberates
)

// Resource is the scope of what is asked for, filled by the route from its
// parameters (and a database lookup where membership must be known).
type Resource struct {
	PlatformID  int64  // the platform the data belongs to
	RegionCode  string // the région of that platform
	OwnerUserID int64  // the candidate or user the data is about
	// JuryMember and JuryChair say whether the principal sits on, or
	// chairs, the jury session concerned; JuryEvaluator whether they are an
	// evaluator of the candidacy concerned.
	JuryMember    bool
	JuryChair     bool
	JuryEvaluator bool
	// JuryUnblinded says the session deliberates or is signed: every
	// member may then see every verdict.
	JuryUnblinded bool
}

// Can is the one policy function: every request's access is decided here.
func Can(p *Principal, a Action, r Resource) bool {
	if a == ActPublic {
		return true
	}
	if p == nil {
		return false
	}
	if p.Has(RoleAdmin) {
		// Certifier staff manage everything, but scoring and chairing stay
		// with the jury: an admin who is not on the jury cannot record a
		// verdict in its name.
		// Likewise a candidate's own acts (uploading, submitting) stay theirs.
		switch a {
		case ActJuryScore:
			return r.JuryEvaluator
		case ActJurySit:
			return r.JuryMember
		case ActJuryChair:
			return r.JuryChair
		case ActCandidateSpace:
			return p.Has(RoleCandidate)
		case ActJurySpace:
			return p.Has(RoleJuryMember)
		case ActCandidacyOwn:
			return p.Has(RoleCandidate) && r.OwnerUserID == p.UserID
		}
		return true
	}
	switch a {
	case ActSelf:
		return true
	case ActPlatformManage:
		return p.managesPlatform(r.PlatformID)
	case ActPlatformRead:
		return p.managesPlatform(r.PlatformID) || p.observesRegion(r.RegionCode)
	case ActNationalRead:
		_, national := p.ObservedRegions()
		if r.RegionCode != "" {
			return p.observesRegion(r.RegionCode)
		}
		return national
	case ActCandidateSpace:
		return p.Has(RoleCandidate)
	case ActCandidacyOwn:
		return p.Has(RoleCandidate) && r.OwnerUserID == p.UserID
	case ActCandidacyRead:
		return (p.Has(RoleCandidate) && r.OwnerUserID == p.UserID) ||
			(p.Has(RoleJuryMember) && r.JuryEvaluator) ||
			(r.PlatformID != 0 && p.managesPlatform(r.PlatformID))
	case ActJurySpace:
		return p.Has(RoleJuryMember)
	case ActJuryRead:
		return p.Has(RoleJuryMember) && r.JuryMember
	case ActJuryScore:
		return p.Has(RoleJuryMember) && r.JuryEvaluator
	case ActJurySit:
		return p.Has(RoleJuryMember) && r.JuryMember
	case ActJuryChair:
		return p.Has(RoleJuryMember) && r.JuryChair
	case ActJuryFile:
		return p.Has(RoleJuryMember) && r.JuryMember && r.JuryUnblinded
	}
	return false
}

func (p *Principal) managesPlatform(id int64) bool {
	if id == 0 {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == RolePlatformManager && g.PlatformID == id {
			return true
		}
	}
	return false
}

func (p *Principal) observesRegion(code string) bool {
	regions, national := p.ObservedRegions()
	if national {
		return true
	}
	if code == "" {
		return false
	}
	for _, r := range regions {
		if r == code {
			return true
		}
	}
	return false
}
