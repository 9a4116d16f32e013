package grouping

// flowGraph is a small Dinic max-flow.
type flowGraph struct {
	head, next, to, cap []int
	level, iter         []int
}

func newFlowGraph(n int) *flowGraph {
	g := &flowGraph{head: make([]int, n), level: make([]int, n), iter: make([]int, n)}
	for i := range g.head {
		g.head[i] = -1
	}
	return g
}

// add puts an arc u → v of capacity c and returns its index (the reverse arc is index^1).
func (g *flowGraph) add(u, v, c int) int {
	e := len(g.to)
	g.to, g.cap, g.next = append(g.to, v, u), append(g.cap, c, 0), append(g.next, g.head[u], g.head[v])
	g.head[u], g.head[v] = e, e+1
	return e
}

func (g *flowGraph) maxflow(s, t int) int {
	total := 0
	for g.bfs(s, t) {
		copy(g.iter, g.head)
		for f := g.dfs(s, t, 1<<30); f > 0; f = g.dfs(s, t, 1<<30) {
			total += f
		}
	}
	return total
}

func (g *flowGraph) bfs(s, t int) bool {
	for i := range g.level {
		g.level[i] = -1
	}
	g.level[s] = 0
	queue := []int{s}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for e := g.head[u]; e >= 0; e = g.next[e] {
			if g.cap[e] > 0 && g.level[g.to[e]] < 0 {
				g.level[g.to[e]] = g.level[u] + 1
				queue = append(queue, g.to[e])
			}
		}
	}
	return g.level[t] >= 0
}

func (g *flowGraph) dfs(u, t, f int) int {
	if u == t {
		return f
	}
	for ; g.iter[u] >= 0; g.iter[u] = g.next[g.iter[u]] {
		e := g.iter[u]
		v := g.to[e]
		if g.cap[e] > 0 && g.level[v] == g.level[u]+1 {
			if d := g.dfs(v, t, min(f, g.cap[e])); d > 0 {
				g.cap[e] -= d
				g.cap[e^1] += d
				return d
			}
		}
	}
	return 0
}
