// The sandbox ("pause") container of every pod: it holds the pod's namespaces and does nothing
// else. No registry is reachable to pull registry.k8s.io/pause, so the local cluster builds this
// and imports it under that name. It sleeps until SIGTERM/SIGINT and reaps nothing (it is not
// PID 1 of a shared PID namespace here).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}
