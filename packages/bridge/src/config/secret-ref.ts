import { z } from 'zod';

export const secretRefSchema = z
  .union([
    z.string().min(1),
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }),
    z.strictObject({ file: z.string().min(1) }),
  ])
  .meta({ description: 'A secret: inline (warned about), or read from an environment variable or a file.' });
export type SecretRef = z.infer<typeof secretRefSchema>;
