import { cachedTestsWithInfrastructure, INFRASTRUCTURE_SPEC, workspaceProjectTests, type ProjectTests } from './test-caching.rules';

describe('which test targets Nx may replay from its cache', () => {
  describe('the rule', () => {
    const project = (name: string, specs: string[], testCached: boolean | undefined): ProjectTests => ({ name, specs, testCached });

    it('given cached test targets, when one runs an int-spec or an e2e-spec, then that project is named, and only it', () => {
      const projects = [
        project('pure', ['src/a.spec.ts'], true),
        project('with-int', ['src/a.spec.ts', 'src/lib/b.int-spec.ts'], true),
        project('with-e2e', ['src/c.e2e-spec.ts'], true),
      ];

      expect(cachedTestsWithInfrastructure(projects)).toEqual(['with-int', 'with-e2e']);
    });

    it('given uncached targets or no test target, when they run int-specs, then none is named', () => {
      const projects = [project('uncached', ['a.int-spec.ts'], false), project('no-test', ['a.e2e-spec.ts'], undefined)];

      expect(cachedTestsWithInfrastructure(projects)).toEqual([]);
    });
  });

  describe('the workspace, as Nx resolves it', () => {
    let projects: ProjectTests[];
    beforeAll(() => {
      projects = workspaceProjectTests();
    }, 180_000);

    it('given projects with integration or e2e specs, when Nx resolves their test target, then none is cacheable', () => {
      expect(projects.filter((p) => p.specs.some((spec) => INFRASTRUCTURE_SPEC.test(spec))).length).toBeGreaterThan(0);

      expect(cachedTestsWithInfrastructure(projects)).toEqual([]);
    });

    it('given projects with unit specs only, when Nx resolves their test target, then it stays cacheable', () => {
      const pure = projects.filter((p) => p.specs.length > 0 && p.specs.every((spec) => !INFRASTRUCTURE_SPEC.test(spec)));

      expect(pure.map((p) => p.name)).toContain('domain');
      expect(pure.filter((p) => p.testCached !== true).map((p) => p.name)).toEqual([]);
    });
  });
});
