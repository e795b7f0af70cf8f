/**
 * `npm run demo`: starts the bundled HSS emulator with sample images and runs
 * the bundled action against it the way GitHub's runner does, three times:
 * a pass, a warning and a failure. Prints each run's outputs and summary.
 */
import { startEmulator } from '../__tests__/support/hss-emulator.js'
import { runAction } from '../__tests__/support/run-action.js'

const scenarios: Array<{
  title: string
  inputs: Record<string, string>
  expect: string
}> = [
  {
    title: 'pass: within max-size and max-files',
    inputs: { 'max-size': '2GB', 'max-files': '20,000' },
    expect: 'pass'
  },
  {
    title: 'warn: above warn-size, below max-size, growth over the baseline',
    inputs: {
      'warn-size': '1.2GB',
      'max-size': '2GB',
      'baseline-image-id': 'demo-app-main',
      'warn-size-increase': '5%'
    },
    expect: 'warn'
  },
  {
    title: 'fail: above max-size 1.5 GB (the step fails)',
    inputs: { 'max-size': '1.5 GB' },
    expect: 'fail'
  }
]

const hss = await startEmulator({
  images: [
    { id: 'demo-app', totalFilesNum: 12_873, totalFilesSize: 1_620_000_000 },
    {
      id: 'demo-app-main',
      totalFilesNum: 12_400,
      totalFilesSize: 1_480_000_000
    }
  ]
})
const [credential] = hss.credentials
let unexpected = 0
try {
  for (const scenario of scenarios) {
    const run = await runAction({
      inputs: {
        'image-id': 'demo-app',
        region: hss.region,
        'project-id': hss.projectId,
        'access-key': credential?.accessKey ?? '',
        'secret-key': credential?.secretKey ?? '',
        endpoint: hss.url,
        ...scenario.inputs
      }
    })
    const rule = '='.repeat(78)
    console.log(`\n${rule}\n${scenario.title}\n${rule}`)
    console.log(
      `inputs: ${Object.entries(scenario.inputs)
        .map(([k, v]) => `${k}=${v}`)
        .join('  ')}`
    )
    console.log(`exit status: ${run.exitCode}`)
    for (const a of run.annotations) {
      console.log(`${a.level}: ${a.message}`)
    }
    console.log('\noutputs:')
    for (const [name, value] of Object.entries(run.outputs)) {
      if (name !== 'report') console.log(`  ${name} = ${value}`)
    }
    console.log(`  report = ${run.outputs.report?.slice(0, 160)}…`)
    console.log('\njob summary (Markdown):\n')
    console.log(run.summary)
    if (run.outputs.status !== scenario.expect) {
      unexpected++
      console.error(
        `unexpected: status ${run.outputs.status}, expected ${scenario.expect}\n${run.stderr}`
      )
    }
  }
  console.log(
    `\n${scenarios.length} scenarios run against the emulator at ${hss.url}; ${hss.requests.length} HSS requests received.`
  )
} finally {
  await hss.close()
}
process.exitCode = unexpected === 0 ? 0 : 1
