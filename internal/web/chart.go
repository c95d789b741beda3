package web

// Bar is one bar of a chart: its label, its value and where it links.
type Bar struct {
	Label string
	N     int64
	Link  string
}

// Chart is a bar chart's geometry, drawn as inline SVG by the "chart"
// template: horizontal bars with labels, or columns (oldest left).
type Chart struct {
	Title         string
	Columns       bool
	Width, Height int
	Max           int64
	Base, LabelY  int    // columns: the axis and the labels under it
	First, Last   string // columns: the first and last labels
	Bars          []ChartBar
}

// ChartBar is one bar placed on the chart.
type ChartBar struct {
	Bar
	X, Y, W, H            int
	LabelX, TextY, ValueX int // horizontal bars: where the label and the value stand
}

const chartWidth = 640

// HBarChart lays out labelled horizontal bars, longest for the largest.
func HBarChart(title string, bars []Bar) Chart {
	const rowH, labelW, gap = 26, 170, 6
	c := Chart{Title: title, Width: chartWidth, Height: len(bars)*rowH + gap, Max: maxN(bars)}
	for i, b := range bars {
		y := i*rowH + gap
		w := max(int(float64(chartWidth-labelW-60)*float64(b.N)/float64(c.Max)), 1)
		c.Bars = append(c.Bars, ChartBar{Bar: b, X: labelW, Y: y, W: w, H: rowH - gap - 2,
			LabelX: labelW - 8, TextY: y + 15, ValueX: labelW + w + 6})
	}
	return c
}

// ColumnChart lays out one column per bar, oldest left.
func ColumnChart(title string, bars []Bar) Chart {
	const h, base, top = 180, 160, 16
	c := Chart{Title: title, Columns: true, Width: chartWidth, Height: h, Max: maxN(bars), Base: base, LabelY: h - 4}
	if n := len(bars); n > 0 {
		step := float64(chartWidth) / float64(n)
		for i, b := range bars {
			bh := int(float64(base-top) * float64(b.N) / float64(c.Max))
			c.Bars = append(c.Bars, ChartBar{Bar: b, X: int(float64(i)*step) + 1, Y: base - max(bh, 1),
				W: max(int(step)-2, 1), H: max(bh, 1)})
		}
		c.First, c.Last = bars[0].Label, bars[n-1].Label
	}
	return c
}

// maxN is the largest value, at least 1 (the scale's denominator).
func maxN(bars []Bar) int64 {
	var m int64 = 1
	for _, b := range bars {
		m = max(m, b.N)
	}
	return m
}
