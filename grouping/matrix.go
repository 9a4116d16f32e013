package grouping

// matrixState is the State of an MDGPInstance. It keeps w[i·m+g] = Σ_{j in g} d_ij, the pull of
// group g on element i, so that a move of i from g to h changes the objective by
// w[i][h] − w[i][g] and a swap of i∈g with j∈h by (w[i][h] − w[i][g]) + (w[j][g] − w[j][h]) − 2d_ij,
// both O(1); applying a move updates one column pair of w in O(n).
type matrixState struct {
	in    *MDGPInstance
	group []int
	w     []float64
	value float64
	slack float64 // −2·min d_ij, computed once
}

func (s *matrixState) Reset(assign []int) {
	n, m := s.in.N, s.in.M
	copy(s.group, assign)
	clear(s.w)
	s.value = 0
	for i := 0; i < n; i++ {
		gi := s.group[i]
		row := s.in.D[i*n : (i+1)*n]
		for j := i + 1; j < n; j++ {
			gj := s.group[j]
			if gj >= 0 {
				s.w[i*m+gj] += row[j]
			}
			if gi >= 0 {
				s.w[j*m+gi] += row[j]
				if gi == gj {
					s.value += row[j]
				}
			}
		}
	}
}

func (s *matrixState) Value() float64 { return s.value }

func (s *matrixState) Gains(i int, out []float64) {
	m := s.in.M
	wi := s.w[i*m : (i+1)*m]
	var base float64
	if g := s.group[i]; g >= 0 {
		base = wi[g]
	}
	for h := 0; h < m; h++ {
		out[h] = wi[h] - base
	}
}

func (s *matrixState) SwapDelta(i, j int) float64 {
	m := s.in.M
	gi, gj := s.group[i], s.group[j]
	wi, wj := s.w[i*m:(i+1)*m], s.w[j*m:(j+1)*m]
	return (wi[gj] - wi[gi]) + (wj[gi] - wj[gj]) - 2*s.in.D[i*s.in.N+j]
}

func (s *matrixState) SwapSlack() float64 { return s.slack }

func (s *matrixState) PairRow(i int) []float64 { return s.in.D[i*s.in.N : (i+1)*s.in.N] }

func (s *matrixState) Move(i, h int) {
	n, m := s.in.N, s.in.M
	g := s.group[i]
	if g == h {
		return
	}
	if g >= 0 {
		s.value -= s.w[i*m+g]
	}
	if h >= 0 {
		s.value += s.w[i*m+h]
	}
	row := s.in.D[i*n : (i+1)*n]
	w := s.w
	switch {
	case g >= 0 && h >= 0:
		for k, d := range row {
			w[k*m+g] -= d
			w[k*m+h] += d
		}
	case g >= 0:
		for k, d := range row {
			w[k*m+g] -= d
		}
	default:
		for k, d := range row {
			w[k*m+h] += d
		}
	}
	s.group[i] = h
}
