package staff

import "strconv"

// SmallThreshold is the smallest count of people shown in a breakdown
// below the national level (per région, per platform): a count of 1 to 4
// would point at a person, so it is shown as « < 5 ».
const SmallThreshold = 5

// SmallCount writes a count of people for a breakdown below the national
// level: 0 and counts of SmallThreshold or more as they are, 1 to 4 as
// « < 5 ». A gap (which may be negative: ahead of the target) is treated
// by its size: « > −5 » when 1 to 4 ahead.
func SmallCount(n int) string {
	switch {
	case n > 0 && n < SmallThreshold:
		return "< " + strconv.Itoa(SmallThreshold)
	case n < 0 && -n < SmallThreshold:
		return "> −" + strconv.Itoa(SmallThreshold)
	case n < 0:
		return "−" + strconv.Itoa(-n)
	}
	return strconv.Itoa(n)
}
