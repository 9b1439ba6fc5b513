package proc

import "slices"

// Table maps live processes to their parents, as Snapshot read them.
type Table map[int]int

// Tree lists root and every process of the table descending from it,
// root first, each child after its parent and the parent's earlier
// children's trees (depth first); just root where the table does not know
// it (no /proc), nothing when root is gone.
func (t Table) Tree(root int) []int {
	if len(t) == 0 {
		return []int{root}
	}
	if _, alive := t[root]; !alive {
		return nil
	}
	kids := map[int][]int{}
	for pid, p := range t {
		kids[p] = append(kids[p], pid)
	}
	var out []int
	var walk func(pid, depth int)
	walk = func(pid, depth int) {
		out = append(out, pid)
		k := kids[pid]
		slices.Sort(k)
		for _, c := range k {
			if depth < 64 {
				walk(c, depth+1)
			}
		}
	}
	walk(root, 0)
	return out
}
