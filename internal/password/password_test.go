package password

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	for _, p := range []Params{Fast, Default} {
		h, err := p.Hash("correct horse 电池")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$") {
			t.Fatalf("hash %q is not PHC argon2id", h)
		}
		ok, err := Verify("correct horse 电池", h)
		if err != nil || !ok {
			t.Fatalf("right password rejected: %v %v", ok, err)
		}
		ok, err = Verify("correct horse 电", h)
		if err != nil || ok {
			t.Fatalf("wrong password accepted: %v %v", ok, err)
		}
	}
}

func TestHashesAreSalted(t *testing.T) {
	a, _ := Fast.Hash("same")
	b, _ := Fast.Hash("same")
	if a == b {
		t.Fatal("two hashes of the same password are equal: no salt")
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5", "$argon2id$v=19$m=1,t=1,p=1$!!$a2V5", "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$"} {
		if _, err := Verify("x", h); err == nil {
			t.Errorf("Verify(%q) gave no error", h)
		}
	}
}

func TestRandom(t *testing.T) {
	a, b := Random(16), Random(16)
	if len(a) != 16 || a == b {
		t.Fatalf("Random gave %q and %q", a, b)
	}
}
