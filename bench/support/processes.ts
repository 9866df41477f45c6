// Real software for the bench and the real-software tests: one implementation, shared with the limits
// command (tools/limits/software.ts), which needs it at run time.
export * from "../../tools/limits/software";
