package crm

import (
	"fmt"
	"os"
	"testing"

	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// The sample files of the acceptance walk-through import as documented:
// six bad rows of their own, one more against an existing customer.
func TestSampleFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, name := range []string{"customers-sample.csv", "customers-sample.xlsx"} {
			db.ExecContext(f.ctx, `DELETE FROM customers`) // each file starts from scratch
			f.customer(f.admin, "已有客户", "13912345678")
			file, err := os.Open("../../examples/" + name)
			if err != nil {
				t.Fatal(err)
			}
			b, err := f.svc.Upload(f.ctx, f.admin, UploadInput{FileName: name}, file)
			file.Close()
			if err != nil {
				t.Fatal(err)
			}
			want := "[name phones phones company level source tags ]"
			if fmt.Sprint(b.Preview.Mapping) != want {
				t.Fatalf("%s: mapping %q", name, b.Preview.Mapping)
			}
			res := f.runImport(f.admin, b.ID, ImportOptions{Mapping: b.Preview.Mapping})
			errs, _, _ := f.svc.BatchErrors(f.ctx, f.admin, b.ID, 100, 0)
			var got []string
			for _, e := range errs {
				got = append(got, fmt.Sprintf("%d:%s", e.Line, e.Code))
			}
			wantErrs := "[5:bad_phone 6:required 7:bad_choice 8:duplicate_in_file 13:bad_phone 16:duplicate_in_file 17:duplicate_phone]"
			if res.Status != BatchRejected || fmt.Sprint(got) != wantErrs {
				t.Fatalf("%s: %s %v", name, res.Status, got)
			}
			res = f.runImport(f.admin, b.ID, ImportOptions{Mapping: b.Preview.Mapping, Mode: ModeLenient})
			if res.Status != BatchDone || res.Imported != 9 {
				t.Fatalf("%s lenient: %+v", name, res)
			}
		}
	})
}
