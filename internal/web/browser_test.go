package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserAdminFlow drives the UI in real headless Chromium the way an
// administrator does: log in, create a department, create a user in it,
// make the user a team leader, and find those changes in the audit log. It
// checks that no page scrolls sideways at 1366×768 and saves a screenshot of
// the audit log (also to $HOTLINE_SCREENSHOT_DIR when set).
func TestBrowserAdminFlow(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	e := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// flash waits for the success message of the page a form led to. It
	// polls with a deadline: a poll running while the form's navigation
	// replaces the page fails, and is simply asked again.
	flash := func(text string) chromedp.Action[chromedp.Void] {
		expr := `!!document.querySelector('.flash-ok') && document.querySelector('.flash-ok').textContent.includes(` + jsString(text) + `)`
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			deadline := time.Now().Add(15 * time.Second)
			for {
				ok, err := chromedp.Evaluate[bool](expr)(ctx, tg)
				if err == nil && ok {
					return nil
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("no success message %q (last error: %v)", text, err)
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(50 * time.Millisecond):
				}
			}
		})
	}
	noOverflow := func(page string) {
		t.Helper()
		w, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatalf("%s: scrollWidth: %v", page, err)
		}
		if w > 1366 {
			t.Errorf("%s is %d px wide at 1366×768: it scrolls sideways", page, w)
		}
	}

	run("open the login page",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(e.base+"/lang?to=en&next=/login"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	)
	noOverflow("login")
	run("log in",
		chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), adminPW),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("section.welcome")),
	)
	noOverflow("home")

	const deptName = "Customer Service 客服部"
	run("create a department",
		chromedp.Navigate(e.base+"/admin/departments"),
		chromedp.SendKeys(chromedp.CSS("#dept-form #f-name"), deptName),
		chromedp.Click(chromedp.CSS("#dept-form button[type=submit]")),
		flash("created"),
	)
	noOverflow("departments")
	ds, err := e.app.Org.Departments(ctx)
	if err != nil || len(ds) != 1 || ds[0].Name != deptName {
		t.Fatalf("departments after the form: %v %v", ds, err)
	}

	run("create a user in it",
		chromedp.Navigate(e.base+"/admin/users/new"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "li.na"),
		chromedp.SendKeys(chromedp.CSS("#f-display_name"), "Li Na 李娜"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), "li-na-pass-1"),
		chromedp.SetValue(chromedp.CSS("#f-role_id"), itoa64(e.roleID(org.RoleAgent))),
		chromedp.SetValue(chromedp.CSS("#f-department_id"), itoa64(ds[0].ID)),
		chromedp.SendKeys(chromedp.CSS("#f-extension"), "8001"),
		chromedp.Click(chromedp.CSS("#user-form button[type=submit]")),
		flash("created"),
	)
	noOverflow("user")

	run("make the user a team leader",
		chromedp.SetValue(chromedp.CSS("#f-role_id"), itoa64(e.roleID(org.RoleTeamLeader))),
		chromedp.Click(chromedp.CSS("#user-form button[type=submit]")),
		flash("saved"),
	)
	c, err := e.app.Org.CredentialFor(ctx, "li.na")
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.app.Org.User(ctx, org.System(), c.UserID)
	if err != nil || u.RoleID != e.roleID(org.RoleTeamLeader) || u.DepartmentID != ds[0].ID || u.Extension != "8001" {
		t.Fatalf("user after the forms: %+v %v", u, err)
	}

	for _, p := range []string{"/admin/users", "/admin/teams", "/admin/roles", "/admin/roles/new", "/account"} {
		run("open "+p, chromedp.Navigate(e.base+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
		noOverflow(p)
	}

	run("open the audit log",
		chromedp.Navigate(e.base+"/admin/audit"),
		chromedp.WaitVisible(chromedp.CSS("#audit-table")),
		chromedp.Click(chromedp.CSS("#audit-table tbody tr:first-child details summary")),
		chromedp.WaitVisible(chromedp.CSS("#audit-table tbody tr:first-child details table")),
	)
	text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#audit-table")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"department " + deptName, "user li.na", "Created", "Changed", "role_name", "Team leader 组长"} {
		if !strings.Contains(text, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, text)
		}
	}
	noOverflow("audit")

	png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	keepShot(t, "audit-1366x768.png", png)

	// The same UI in Chinese, switched with the switcher, fits as well.
	run("switch to Chinese",
		chromedp.Navigate(e.base+"/admin/users/"+itoa64(u.ID)),
		chromedp.Click(chromedp.CSS(`.langs a[lang="zh-CN"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] #user-form`)),
	)
	noOverflow("user (zh-CN)")
	for _, p := range []string{"/admin/roles/" + itoa64(e.roleID(org.RoleTeamLeader)), "/admin/departments", "/admin/users"} {
		run("open "+p+" in Chinese", chromedp.Navigate(e.base+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
		noOverflow(p + " (zh-CN)")
	}
	title, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".topbar-title")))
	if err != nil || title != "用户管理" {
		t.Errorf("Chinese users page title %q (%v)", title, err)
	}
	png, err = chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	keepShot(t, "users-zh-1366x768.png", png)
}

// keepShot saves a screenshot to the test's temporary directory and, when
// HOTLINE_SCREENSHOT_DIR is set, there too (to look at after the run).
func keepShot(t *testing.T, name string, png []byte) {
	t.Helper()
	dirs := []string{t.TempDir()}
	if d := os.Getenv("HOTLINE_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s (%d bytes)", p, len(png))
	}
}

// jsString quotes s for JavaScript source.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
