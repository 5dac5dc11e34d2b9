package audit

// Actor is who performs a write, as the audit log records it: the signed-in
// user (0 for the system or an anonymous visitor), the role they acted in,
// and where the request came from.
type Actor struct {
	UserID    int64
	Role      string
	IP        string
	RequestID string
}

// System is the actor of command-line tools and start-up tasks.
var System = Actor{Role: "system"}

// Entry builds an audit entry for this actor.
func (a Actor) Entry(action, entity, entityID string, change any) Entry {
	return Entry{
		ActorID:   a.UserID,
		ActorRole: a.Role,
		Action:    action,
		Entity:    entity,
		EntityID:  entityID,
		IP:        a.IP,
		RequestID: a.RequestID,
		Change:    change,
	}
}
