import { run } from './main.js'

await run()
// Everything the step reports has been written by now (outputs and the
// summary synchronously or awaited). A comment abandoned at the step's
// timeout can leave Octokit's retry timers behind; they must not keep the
// job waiting, so the process ends here with the exit code run() set.
process.exit()
