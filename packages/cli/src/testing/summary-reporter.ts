import type { Reporter, TestModule } from 'vitest/node';

/** Prints the closing line CI reads: "N passed, N failed" (", N skipped" when some were skipped). */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      // Errors outside any test: a file that failed to load, a beforeAll or afterAll that threw (its tests are then
      // reported as skipped, which must not read as a pass).
      failed += mod.errors().length;
      for (const suite of mod.children.allSuites()) failed += suite.errors().length;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
