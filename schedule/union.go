package schedule

// Union returns the windows of w and more together, sorted and merged, as
// ParseWeek would read them; neither argument is changed.
func (w Week) Union(more Week) Week {
	all := make(Week, 0, len(w)+len(more))
	all = append(append(all, w...), more...)
	return all.normalize()
}
