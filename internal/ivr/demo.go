package ivr

// DemoNumber is the number the server routes to the demo flow on first start.
const DemoNumber = "8000"

// DemoFlowName is the name of the demo flow.
const DemoFlowName = "main"

func intp(i int) *int { return &i }

// DemoFlow returns the demo's main flow — the same flow examples/demo.yaml
// provisions on the server's first start (a test in internal/provision keeps
// the two equal) — an hours
// check, a welcome, and a menu in Mandarin and English — 1 for the "sales"
// queue, 2 for "support"; after two retries on silence or a wrong key the
// caller goes to "support".
//
// The hours node is open around the clock on purpose, so that the very first
// test call reaches the menu whatever the time; operators set real hours,
// holidays and make-up workdays in the flow editor.
func DemoFlow() *Flow {
	allDay := []string{"00:00-24:00"}
	week := map[string][]string{}
	for _, d := range weekdayKeys {
		week[d] = allDay
	}
	zh := func(s string) Prompt { return Prompt{Text: s, Lang: "zh-CN"} }
	en := func(s string) Prompt { return Prompt{Text: s, Lang: "en"} }
	return &Flow{
		Name:        DemoFlowName,
		Description: "Demo: welcome and a sales/support menu (open 24/7 until hours are set)",
		Start:       "hours",
		Nodes: map[string]*Node{
			"hours": {Type: TypeHours, Timezone: "Asia/Shanghai", Weekly: week, Open: "welcome", Closed: "closed"},
			"welcome": {Type: TypePlay, Interruptible: true, Next: "menu",
				Prompt: Prompts{zh("欢迎致电 Hotline。"), en("Welcome to Hotline.")}},
			"menu": {Type: TypeMenu,
				Prompt:        Prompts{zh("销售请按1，技术支持请按2。"), en("For sales press 1, for support press 2.")},
				Choices:       map[string]string{"1": "sales", "2": "support"},
				Timeout:       5 * Second,
				Retries:       intp(2),
				InvalidPrompt: Prompts{zh("输入有误。"), en("Sorry, that is not a valid choice.")},
				TimeoutPrompt: Prompts{zh("我们没有收到您的按键。"), en("We did not receive your choice.")},
				OnFail:        "support"},
			"sales":   {Type: TypeTransfer, TargetKind: TargetQueue, Target: "sales"},
			"support": {Type: TypeTransfer, TargetKind: TargetQueue, Target: "support"},
			"closed": {Type: TypeHangup,
				Prompt: Prompts{zh("现在是非工作时间，请在工作时间再拨。"), en("We are closed now. Please call again during business hours.")}},
		},
	}
}
