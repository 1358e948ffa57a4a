<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * A request parameter as the admin sent it. WHMCS HTML-encodes every input before an addon sees
 * it (`&` arrives as `&amp;`), so the value is decoded here, once, before it is checked or
 * forwarded. Arrays are refused: no operation takes one.
 */
function input($name, $source = null)
{
    $from = $source === null ? $_REQUEST : $source;
    if (!isset($from[$name]) || is_array($from[$name])) {
        return null;
    }
    return html_decode((string) $from[$name]);
}

function html_decode($value)
{
    if (class_exists('\\WHMCS\\Input\\Sanitize')) {
        return \WHMCS\Input\Sanitize::decode($value);
    }
    return html_entity_decode($value, ENT_QUOTES | ENT_HTML5, 'UTF-8');
}

/** The module's settings from WHMCS's `$vars`, trimmed, with defaults. */
function settings(array $vars)
{
    $timeout = isset($vars['timeout']) ? (int) $vars['timeout'] : 15;
    $fiscal = isset($vars['fiscalYearStart']) ? (int) $vars['fiscalYearStart'] : 1;
    return array(
        'bridgeUrl' => rtrim(trim(isset($vars['bridgeUrl']) ? (string) $vars['bridgeUrl'] : ''), '/'),
        'bridgeToken' => trim(isset($vars['bridgeToken']) ? (string) $vars['bridgeToken'] : ''),
        'timeout' => $timeout >= 1 && $timeout <= 120 ? $timeout : 15,
        'writeRoles' => isset($vars['writeRoles']) ? (string) $vars['writeRoles'] : 'Full Administrator',
        'fiscalYearStart' => $fiscal >= 1 && $fiscal <= 12 ? $fiscal : 1,
    );
}

/** The module's settings read from WHMCS's database, for hooks (which get no `$vars`). */
function stored_settings()
{
    $vars = array();
    if (class_exists('\\WHMCS\\Database\\Capsule')) {
        $rows = \WHMCS\Database\Capsule::table('tbladdonmodules')->where('module', MODULE_NAME)->get();
        foreach ($rows as $row) {
            $vars[$row->setting] = $row->value;
        }
    }
    return settings($vars);
}

/** The logged-in admin's role as [id, name], or null outside an admin session. */
function admin_role()
{
    if (empty($_SESSION['adminid']) || !class_exists('\\WHMCS\\Database\\Capsule')) {
        return null;
    }
    $roleId = \WHMCS\Database\Capsule::table('tbladmins')->where('id', (int) $_SESSION['adminid'])->value('roleid');
    if ($roleId === null) {
        return null;
    }
    $name = \WHMCS\Database\Capsule::table('tbladminroles')->where('id', (int) $roleId)->value('name');
    return array((int) $roleId, (string) $name);
}

/** Whether the logged-in admin's role is one the settings allow to change things. */
function admin_may_write(array $settings)
{
    $role = admin_role();
    if ($role === null) {
        return false;
    }
    foreach (explode(',', $settings['writeRoles']) as $allowed) {
        $allowed = trim($allowed);
        if ($allowed === '') {
            continue;
        }
        if (ctype_digit($allowed) ? (int) $allowed === $role[0] : strcasecmp($allowed, $role[1]) === 0) {
            return true;
        }
    }
    return false;
}
