package microdata

// SetBeforeExecuteHook sets a function run just before a checked statement
// executes; the returned func unsets it.
func SetBeforeExecuteHook(f func()) (restore func()) {
	testHookBeforeExecute = f
	return func() { testHookBeforeExecute = nil }
}
