/*
 * The API actions a WHMCS 8 install has (from the API reference's index, developers.whmcs.com
 * `api-reference`), lower-cased as WHMCS reads them. The simulator implements a few; for the
 * rest it must not claim WHMCS lacks them (`Invalid API Action`), or a least-privilege probe or a
 * test would read "WHMCS refused it" where WHMCS would have run it.
 */
const WHMCS_8_ACTIONS = `
UpdateClientAddon ActivateAffiliate GetAffiliates
CreateOAuthCredential CreateSsoToken DeleteOAuthCredential ListOAuthCredentials UpdateOAuthCredential ValidateLogin
AcceptQuote AddBillableItem AddCredit AddInvoicePayment AddPayMethod AddTransaction ApplyCredit CapturePayment
CreateInvoice CreateQuote DeletePayMethod DeleteQuote GenInvoices GetCredits GetInvoice GetInvoices GetPayMethods
GetQuotes GetTransactions SendQuote UpdateInvoice UpdatePayMethod UpdateQuote UpdateTransaction
AddClient AddContact CloseClient DeleteClient DeleteContact GetCancelledPackages GetClientGroups GetClientPassword
GetClients GetClientsAddons GetClientsDetails GetClientsDomains GetClientsProducts GetContacts GetEmails
UpdateClient UpdateContact
CreateOrUpdateTLD DomainGetLockingStatus DomainGetNameservers DomainGetWhoisInfo DomainRegister DomainRelease
DomainRenew DomainRequestEPP DomainToggleIdProtect DomainTransfer DomainUpdateLockingStatus DomainUpdateNameservers
DomainUpdateWhoisInfo DomainWhois GetRegistrars GetTLDPricing UpdateClientDomain
ActivateModule DeactivateModule GetModuleConfigurationParameters GetModuleQueue ModuleChangePackage ModuleChangePw
ModuleCreate ModuleCustom ModuleSuspend ModuleTerminate ModuleUnsuspend UpdateModuleConfiguration
AcceptOrder AddOrder CancelOrder DeleteOrder FraudOrder GetOrders GetOrderStatuses GetProducts GetPromotions
OrderFraudCheck PendingOrder AddProduct
AddProjectMessage AddProjectTask CreateProject DeleteProjectTask EndTaskTimer GetProject GetProjects StartTaskTimer
UpdateProject UpdateProjectTask
GetHealthStatus GetServers UpdateClientProduct UpgradeProduct
AddAnnouncement AddCancelRequest AddClientNote AddTicketNote AddTicketReply BlockTicketSender DeleteAnnouncement
DeleteTicket DeleteTicketNote DeleteTicketReply GetAnnouncements MergeTicket OpenTicket UpdateTicket UpdateTicketReply
AddBannedIp DecryptPassword EncryptPassword GetActivityLog GetAdminDetails GetAdminUsers GetAutomationLog
GetConfigurationValue GetCurrencies GetEmailTemplates GetPaymentMethods GetStaffOnline GetStats GetToDoItems
GetToDoItemStatuses LogActivity SendAdminEmail SendEmail SetConfigurationValue TriggerNotificationEvent
UpdateAdminNotes UpdateAnnouncement UpdateToDoItem WhmcsDetails
GetSupportDepartments GetSupportStatuses GetTicket GetTicketAttachment GetTicketCounts GetTicketNotes
GetTicketPredefinedCats GetTicketPredefinedReplies GetTickets
AddUser CreateClientInvite DeleteUserClient GetPermissionsList GetUserPermissions GetUsers ResetPassword UpdateUser
UpdateUserPermissions
`;

/** Every WHMCS 8 API action, lower-cased. */
export const WHMCS_ACTIONS: ReadonlySet<string> = new Set(
  WHMCS_8_ACTIONS.split(/\s+/)
    .filter(Boolean)
    .map((name) => name.toLowerCase()),
);

/**
 * The answer to a real WHMCS action the simulator does not implement: an error raised inside the
 * action (HTTP 200, as WHMCS answers those), worded so that nobody mistakes it for WHMCS's own.
 * It comes after every check WHMCS makes first, so a role that lacks the action is still refused.
 */
export function notSimulatedMessage(action: string): string {
  return `Not simulated: "${action}" is a WHMCS API action the simulator does not implement (WHMCS would run it)`;
}
