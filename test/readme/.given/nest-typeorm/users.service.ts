// The app's own login code the README's controller calls.
import { Injectable } from "@nestjs/common";
import { DataSource } from "typeorm";
import type { LoginDto } from "./login.dto.js";
import { User } from "./user.entity.js";

@Injectable()
export class UsersService {
  constructor(private readonly dataSource: DataSource) {}

  /** The user with these credentials (a real app checks the password hash). */
  authenticate(body: LoginDto): Promise<User> {
    return this.dataSource.getRepository(User).findOneByOrFail({ email: body.email });
  }
}
