/**
 * Starts the HSS/IAM emulator with the demo's sample images and keeps it
 * running until interrupted: for `npm run local-action` and for the CI job
 * that runs `uses: ./`. Prints the URL, and appends HSS_EMULATOR_URL to
 * $GITHUB_ENV when it is set so later steps can use it.
 *
 *   npx tsx scripts/emulator.ts [port]
 */
import { appendFileSync } from 'node:fs'

import { startEmulator } from '../__tests__/support/hss-emulator.js'

const port = Number(process.argv[2] ?? 8787)
const hss = await startEmulator({
  port,
  images: [
    { id: 'demo-app', totalFilesNum: 12_873, totalFilesSize: 1_620_000_000 },
    {
      id: 'demo-app-main',
      totalFilesNum: 12_400,
      totalFilesSize: 1_480_000_000
    }
  ]
})
console.log(`HSS emulator listening at ${hss.url}`)
console.log(
  `project ${hss.projectId}, region ${hss.region}, access key ${hss.credentials[0]?.accessKey}`
)
if (process.env.GITHUB_ENV) {
  appendFileSync(process.env.GITHUB_ENV, `HSS_EMULATOR_URL=${hss.url}\n`)
}
const stop = () => void hss.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
