package web

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one bar of a chart: its label, its value and where it links.
type Bar struct {
	Label string
	N     int64
	Link  string
}

const chartWidth = 640

// HBarChart draws labelled horizontal bars as inline SVG: no script, no
// external asset, readable by screen readers through its title and the
// table printed beside it.
func HBarChart(title string, bars []Bar) template.HTML {
	const rowH, labelW, gap = 26, 170, 6
	var max int64 = 1
	for _, b := range bars {
		max = maxInt(max, b.N)
	}
	h := len(bars)*rowH + gap
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`,
		chartWidth, h, esc(title), esc(title))
	for i, b := range bars {
		y := i*rowH + gap
		w := int(float64(chartWidth-labelW-60) * float64(b.N) / float64(max))
		fmt.Fprintf(&s, `<a href="%s"><text x="%d" y="%d" text-anchor="end" class="chart-label">%s</text>`,
			esc(b.Link), labelW-8, y+15, esc(b.Label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" rx="3" class="chart-bar"><title>%s: %d</title></rect>`,
			labelW, y, maxInt(w, 1), rowH-gap-2, esc(b.Label), b.N)
		fmt.Fprintf(&s, `<text x="%d" y="%d" class="chart-value">%d</text></a>`, labelW+maxInt(w, 1)+6, y+15, b.N)
	}
	s.WriteString("</svg>")
	return template.HTML(s.String())
}

// ColumnChart draws one column per bar, oldest left.
func ColumnChart(title string, bars []Bar) template.HTML {
	const h, base, top = 180, 160, 16
	var max int64 = 1
	for _, b := range bars {
		max = maxInt(max, b.N)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`,
		chartWidth, h, esc(title), esc(title))
	fmt.Fprintf(&s, `<text x="0" y="12" class="chart-value">%d</text><line x1="0" y1="%d" x2="%d" y2="%d" class="chart-axis"/>`,
		max, base, chartWidth, base)
	if n := len(bars); n > 0 {
		step := float64(chartWidth) / float64(n)
		for i, b := range bars {
			bh := int(float64(base-top) * float64(b.N) / float64(max))
			x := int(float64(i) * step)
			fmt.Fprintf(&s, `<a href="%s"><rect x="%d" y="%d" width="%d" height="%d" class="chart-bar"><title>%s: %d</title></rect></a>`,
				esc(b.Link), x+1, base-bh, maxInt(int(step)-2, 1), maxInt(bh, 1), esc(b.Label), b.N)
		}
		fmt.Fprintf(&s, `<text x="0" y="%d" class="chart-label">%s</text>`, h-4, esc(bars[0].Label))
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="chart-label">%s</text>`, chartWidth, h-4, esc(bars[len(bars)-1].Label))
	}
	s.WriteString("</svg>")
	return template.HTML(s.String())
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func maxInt[T int | int64](a, b T) T {
	if a > b {
		return a
	}
	return b
}
