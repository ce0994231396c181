// drizzle-kit reads this to generate SQL migrations from the schema files: `pnpm db:generate`.
// See docs/operations.md ("Migrations") before generating one.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/sqlite/schema/*.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
