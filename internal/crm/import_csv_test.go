package crm

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func TestImportCSVEncodingsAndLines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		// Excel in China saves CSV as GBK; this one also uses semicolons.
		gbk, err := simplifiedchinese.GBK.NewEncoder().String("姓名;电话;公司名称;等级\n王五;138 0013 8001;北京科技;A\n赵六;0755-1234567;;B\n")
		if err != nil {
			t.Fatal(err)
		}
		b := must[*Batch](t)(f.svc.Upload(ctx, f.supA, UploadInput{FileName: "客户.csv"}, strings.NewReader(gbk)))
		if strings.Join(b.Preview.Headers, "|") != "姓名|电话|公司名称|等级" || b.Preview.Rows[0][0] != "王五" ||
			fmt.Sprint(b.Preview.Mapping) != "[name phones company level]" {
			t.Fatalf("GBK preview %+v", b.Preview)
		}
		done := f.runImport(f.supA, b.ID, ImportOptions{Mapping: b.Preview.Mapping})
		if done.Status != BatchDone || done.Imported != 2 {
			t.Fatalf("GBK import %+v", done)
		}
		got := must[[]Customer](t)(f.svc.Lookup(ctx, f.supA, "13800138001"))
		if len(got) != 1 || got[0].Name != "王五" || got[0].Company != "北京科技" || got[0].OwnerID != 0 || got[0].DepartmentID != f.deptA {
			t.Fatalf("imported %+v (a supervisor's import goes to their department)", got)
		}
		if _, err := f.svc.Upload(ctx, f.leadA1, UploadInput{FileName: "x.csv"}, strings.NewReader("a\n")); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("a team leader uploaded: %v", err)
		}
		// UTF-8 with BOM, a quoted multi-line cell, blank lines: lines are the file's.
		body := "\ufeffName,Phone,Company,Notes\n" +
			"Alice,13900000001,\"Acme\nWest\",x\n" + // lines 2–3
			"\n" + // line 4, blank
			"Bob,not-a-number,B Co,y\n" + // line 5
			",13900000003,C Co,z\n" // line 6
		b = must[*Batch](t)(f.svc.Upload(ctx, f.admin, UploadInput{FileName: "en.csv"}, strings.NewReader(body)))
		rej := f.runImport(f.admin, b.ID, ImportOptions{Mapping: b.Preview.Mapping})
		errs, _ := must[[]ImportError](t)(func() ([]ImportError, error) {
			e, _, err := f.svc.BatchErrors(ctx, f.admin, b.ID, 100, 0)
			return e, err
		}()), 0
		if rej.Status != BatchRejected || len(errs) != 2 || errs[0].Line != 5 || errs[0].Code != CodeBadPhone ||
			errs[1].Line != 6 || errs[1].Field != "name" {
			t.Fatalf("report %+v %+v", rej, errs)
		}
		// Scope: other agents do not see the batch; agents cannot import.
		if _, err := f.svc.Batch(ctx, f.agentB, b.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("agent B sees the admin's batch: %v", err)
		}
		if _, err := f.svc.DeleteBatch(ctx, f.agentB, b.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("agent B deletes the admin's batch: %v", err)
		}
		// Bad uploads say what is wrong.
		for _, c := range []struct{ name, body, msg string }{
			{"old.xls", "x", ".xls format"},
			{"x.pdf", "x", ".csv or .xlsx"},
			{"empty.csv", "", "empty"},
			{"blank.csv", "\n\n", "no header"},
			{"bad.xlsx", "PK not a zip", "not a readable .xlsx"},
		} {
			_, err := f.svc.Upload(ctx, f.admin, UploadInput{FileName: c.name}, strings.NewReader(c.body))
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("upload %s: %v, want %q", c.name, err, c.msg)
			}
		}
		// Mapping must name the name and a phone column.
		b = must[*Batch](t)(f.svc.Upload(ctx, f.admin, UploadInput{FileName: "m.csv"}, strings.NewReader("a,b\nx,13900000009\n")))
		if _, err := f.svc.StartImport(ctx, f.admin, b.ID, ImportOptions{Mapping: []string{"name", ""}}); err == nil {
			t.Error("a mapping without phones was accepted")
		}
		if _, err := f.svc.StartImport(ctx, f.admin, b.ID, ImportOptions{Mapping: []string{"name", "salary"}}); err == nil {
			t.Error("a mapping to an unknown field was accepted")
		}
	})
}

func TestExportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		c1 := f.customer(f.agentA1, "=HYPERLINK(\"x\")", "+86 138 0013 8000")
		c2, _ := f.svc.Create(ctx, f.agentA1, CustomerInput{Name: "钱七", Phones: []string{"021-12345678", "13900139000"}, Level: "B", Tags: []string{"重点"}})
		f.customer(f.agentB, "别组", "13700137000")
		var buf bytes.Buffer
		if err := f.svc.Export(ctx, f.agentA1, Filter{}, "csv", "zh-CN", &buf); err == nil {
			t.Fatal("an agent without customers:export exported")
		}
		if err := f.svc.Export(ctx, f.leadA1, Filter{}, "csv", "zh-CN", &buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
			t.Error("no BOM")
		}
		recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 3 || recs[0][1] != "姓名" {
			t.Fatalf("the leader's export has %d rows (team A1 has 2 customers): %v", len(recs)-1, recs)
		}
		for _, r := range recs[1:] {
			if strings.HasPrefix(r[1], "=") {
				t.Errorf("a formula went out unescaped: %q", r[1])
			}
		}
		if recs[1][1] != "钱七" || recs[1][4] != "B 普通客户" || recs[1][7] != "重点" || recs[1][2] != "'+862112345678; +8613900139000" {
			t.Errorf("row %q (newest first, as the list)", recs[1])
		}
		// Delete them and import the export: the same customers come back.
		for _, id := range []int64{c2.ID, c1.ID} {
			if err := f.svc.Delete(ctx, f.admin, id); err != nil {
				t.Fatal(err)
			}
		}
		b := must[*Batch](t)(f.svc.Upload(ctx, f.admin, UploadInput{FileName: "export.csv"}, bytes.NewReader(buf.Bytes())))
		if fmt.Sprint(b.Preview.Mapping[:8]) != "[ name phones company level source status tags]" {
			t.Fatalf("export headers map to %v", b.Preview.Mapping)
		}
		done := f.runImport(f.admin, b.ID, ImportOptions{Mapping: b.Preview.Mapping})
		if done.Status != BatchDone || done.Imported != 2 {
			errs, _, _ := f.svc.BatchErrors(ctx, f.admin, b.ID, 10, 0)
			t.Fatalf("re-import %+v %+v", done, errs)
		}
		back := must[[]Customer](t)(f.svc.Lookup(ctx, f.admin, "13800138000"))
		if len(back) != 1 || back[0].Name != "=HYPERLINK(\"x\")" {
			t.Fatalf("round trip %+v", back)
		}
		back = must[[]Customer](t)(f.svc.Lookup(ctx, f.admin, "02112345678"))
		if len(back) != 1 || back[0].Level != "B" || len(back[0].Phones) != 2 || back[0].Tags[0] != "重点" {
			t.Fatalf("round trip %+v", back)
		}
		// XLSX export is a real workbook.
		buf.Reset()
		if err := f.svc.Export(ctx, f.admin, Filter{Q: "钱七"}, "xlsx", "en", &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("Sheet1")
		if len(rows) != 2 || rows[0][1] != "Name" || rows[1][1] != "钱七" {
			t.Fatalf("xlsx rows %v", rows)
		}
		if err := f.svc.Export(ctx, f.admin, Filter{}, "pdf", "en", io.Discard); err == nil {
			t.Error("format pdf accepted")
		}
	})
}

func TestGuessMapping(t *testing.T) {
	fields := []Field{{Key: "industry", Label: "所属行业"}, {Key: "budget", Label: "Budget"}}
	got := GuessMapping([]string{"客户姓名", "手机号码", "座机", "Company Name", "客户等级", "Lead source", "状态", "标签",
		"所属行业", "budget", "备注", "Last contact", "Customer ID", "name"}, fields)
	want := []string{"name", "phones", "phones", "company", "level", "source", "status", "tags", "custom:industry",
		"custom:budget", "", "", "", ""}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// FuzzReadCSV: any bytes uploaded as CSV are read row by row and validated
// without a panic or a hang.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("姓名,电话\n张三,13800138000\n"))
	f.Add([]byte("\ufeffa;b\n\"x\ny\";1\n"))
	f.Add([]byte("\xff\xfe\x00a"))
	f.Add([]byte("a,b\n\"unterminated\n"))
	f.Add([]byte{0xb9, 0xab, ',', '1', '\n'})
	ck := &checker{lists: &Lists{Statuses: []Option{{Key: "new", Label: "New"}}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		rr, err := openRows(path, FormatCSV)
		if err != nil {
			return
		}
		defer rr.Close()
		cols := []colTarget{{col: ColName}, {col: ColPhones}, {col: ColTags}}
		for i := 0; i < 10000; i++ {
			_, cells, err := rr.Next()
			if err != nil {
				return
			}
			in := rowInput(cells, cols, &ImportOptions{})
			ck.check(&in)
		}
		t.Fatal("more rows than bytes")
	})
}

func TestRowInputPhonesPerLine(t *testing.T) {
	cols := []colTarget{{col: ColName}, {col: ColPhones}}
	in := rowInput([]string{" 张\n三 ", "138 0013 8000\n021-12345678"}, cols, &ImportOptions{})
	ps, err := NormalizePhones(in.Phones)
	if in.Name != "张 三" || err != nil || len(ps) != 2 {
		t.Fatalf("%+v %v %v", in, ps, err)
	}
}
