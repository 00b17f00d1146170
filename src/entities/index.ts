// Every entity the ORM knows, in one list.
import { Administration } from './Administration';
import { AdministrationSettings } from './AdministrationSettings';
import { Membership } from './Membership';
import { User } from './User';

export const entities = [User, Administration, Membership, AdministrationSettings];
export { Administration, AdministrationSettings, Membership, User };
