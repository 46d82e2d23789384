import { ConflictError } from '@switchboard/core';
import { UserNotFoundError } from '../http/http-errors.js';
import type { AppDeps } from '../http/app-env.js';
import { jsonBody, route, router, send, z } from '../http/openapi-route.js';
import { OkSchema, RoleSchema, UserSchema, id } from '../http/schemas.js';

const Params = z.object({ id: id.openapi({ param: { in: 'path', name: 'id' } }) });
const CreateUserBody = z
  .object({
    username: z.string().trim().min(1).max(200),
    password: z.string().min(8).max(1000),
    name: z.string().trim().min(1).max(200),
    role: RoleSchema,
    agentId: z.string().min(1).max(128).nullable().optional(),
  })
  .openapi('CreateUserRequest');
const UpdateUserBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: RoleSchema.optional(),
    agentId: z.string().min(1).max(128).nullable().optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(8).max(1000).optional().openapi({ description: 'New password; ends every session of the user.' }),
  })
  .openapi('UpdateUserRequest');

/** Logins: admin only. Disabling or a new password logs the user out everywhere. */
export function userRoutes(deps: AppDeps) {
  const app = router();
  const users = deps.auth.users;
  const admin = ['admin'] as const;

  app.openapi(route({ method: 'get', path: '/users', tag: 'users', summary: 'Every login', roles: [...admin], response: z.object({ items: z.array(UserSchema) }).openapi('UserList') }), async (c) =>
    send(c, { items: await users.listUsers() }),
  );

  app.openapi(
    route({ method: 'post', path: '/users', tag: 'users', summary: 'Create a login', roles: [...admin], status: 201, request: jsonBody(CreateUserBody), response: UserSchema }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.agentId) await deps.sb.agents.get(body.agentId);
      return send(c, await deps.auth.createUser(body), 201);
    },
  );

  app.openapi(
    route({ method: 'patch', path: '/users/{id}', tag: 'users', summary: 'Change a login', roles: [...admin], request: { params: Params, ...jsonBody(UpdateUserBody) }, response: UserSchema }),
    async (c) => {
      const userId = c.req.valid('param').id;
      const { password, ...patch } = c.req.valid('json');
      if (userId === c.get('user').id && (patch.disabled || (patch.role && patch.role !== 'admin'))) {
        throw new ConflictError('You cannot disable or demote your own login.');
      }
      if (patch.agentId) await deps.sb.agents.get(patch.agentId);
      const user = await users.updateUser(userId, patch);
      if (!user) throw new UserNotFoundError(userId);
      if (password) await deps.auth.setPassword(userId, password);
      if (patch.disabled) await users.deleteUserSessions(userId);
      return send(c, user);
    },
  );

  app.openapi(route({ method: 'delete', path: '/users/{id}', tag: 'users', summary: 'Delete a login', roles: [...admin], request: { params: Params }, response: OkSchema }), async (c) => {
    const userId = c.req.valid('param').id;
    if (userId === c.get('user').id) throw new ConflictError('You cannot delete your own login.');
    if (!(await users.deleteUser(userId))) throw new UserNotFoundError(userId);
    return send(c, { ok: true });
  });

  return app;
}
