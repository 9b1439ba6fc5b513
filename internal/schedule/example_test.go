package schedule_test

import (
	"fmt"

	"github.com/lsbinit/lsbinit/internal/schedule"
)

func ExampleParse() {
	s, err := schedule.Parse("-QUIT/10/sigterm/1m/KILL/500ms")
	if err != nil {
		fmt.Println(err)
		return
	}
	total, forever := s.Total()
	fmt.Println(s, total, forever)

	s, _ = schedule.Parse("20")
	fmt.Println(s)

	_, err = schedule.Parse("TERM/x/KILL")
	fmt.Println(err)
	// Output:
	// QUIT/10/TERM/60/KILL/500ms 1m10.5s false
	// TERM/20/KILL/20
	// STOP_SCHEDULE "TERM/x/KILL": item 2 "x": not a signal or a timeout
}
