package enquiry

import (
	"bytes"
	"image/png"
	"io"
	"net/url"
	"testing"

	"iordesk/internal/catalog"
	"iordesk/internal/lang"

	"github.com/dchest/captcha"
)

var benchDigits = []byte{4, 8, 1, 5, 9, 2}

// BenchmarkCaptchaImage compares the library's default image path (draw,
// then PNG at the default compression level, as WriteImage does) with ours
// (BestSpeed with pooled encoder buffers) and with no compression.
func BenchmarkCaptchaImage(b *testing.B) {
	b.Run("library-default", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			// What captcha.WriteImage does after its store lookup.
			if _, err := captcha.NewImage("benchmarkid", benchDigits, ImageWidth, ImageHeight).WriteTo(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, level := range []struct {
		name  string
		level png.CompressionLevel
	}{{"best-speed(ours)", png.BestSpeed}, {"no-compression", png.NoCompression}} {
		b.Run(level.name, func(b *testing.B) {
			b.ReportAllocs()
			enc := png.Encoder{CompressionLevel: level.level, BufferPool: &encoderPool{}}
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := enc.Encode(&buf, captcha.NewImage("benchmarkid", benchDigits, ImageWidth, ImageHeight).Paletted); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/image")
		})
	}
	b.Run("draw-only", func(b *testing.B) {
		for b.Loop() {
			captcha.NewImage("benchmarkid", benchDigits, ImageWidth, ImageHeight)
		}
	})
}

// BenchmarkValidate measures decoding and validating one full form.
func BenchmarkValidate(b *testing.B) {
	cat := catalog.New()
	v := validValues()
	v.Set("hs_code", "8471.50")
	v.Set("target_date", "2027-03-01")
	body := v.Encode()
	b.ReportAllocs()
	for b.Loop() {
		vals, _ := url.ParseQuery(body)
		f, errs, err := FormFromValues(vals, lang.English)
		if err != nil {
			b.Fatal(err)
		}
		f.Validate(cat, fuzzNow, errs, lang.English)
		if len(errs) != 0 {
			b.Fatal(errs, lang.English)
		}
	}
}
