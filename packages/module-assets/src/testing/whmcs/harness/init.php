<?php
/*
 * Stands in for WHMCS's init.php in the test harness: the pieces of WHMCS an addon touches, and
 * WHMCS's habit of HTML-encoding every request input before any addon code runs. State (settings,
 * admins, roles) comes from harness/state.json, written by the test; what the module logs or
 * raises goes to harness/log.jsonl for the test to read.
 */

define('WHMCS', true);
define('HARNESS_ROOT', dirname(__DIR__));

function harness_state($replace = null)
{
    static $state = null;
    if ($replace !== null) {
        $state = $replace;
    } elseif ($state === null) {
        $state = json_decode(file_get_contents(HARNESS_ROOT . '/harness/state.json'), true);
    }
    return $state;
}

function harness_update_table($table, array $match, array $values)
{
    $state = harness_state();
    $rows = isset($state[$table]) ? $state[$table] : array();
    $found = false;
    foreach ($rows as $i => $row) {
        if (array_intersect_assoc(array_map('strval', $match), array_map('strval', $row)) == array_map('strval', $match)) {
            $rows[$i] = array_merge($row, $values);
            $found = true;
        }
    }
    if (!$found) {
        $rows[] = array_merge($match, $values);
    }
    $state[$table] = $rows;
    harness_state($state);
    file_put_contents(HARNESS_ROOT . '/harness/state.json', json_encode($state), LOCK_EX);
}

function harness_log($kind, array $entry)
{
    $entry['kind'] = $kind;
    file_put_contents(HARNESS_ROOT . '/harness/log.jsonl', json_encode($entry) . "\n", FILE_APPEND | LOCK_EX);
}

// WHMCS encodes every input (htmlspecialchars-style) and drops keys it does not like.
function harness_encode_inputs(array $input)
{
    $out = array();
    foreach ($input as $key => $value) {
        if (!preg_match('/^[A-Za-z0-9_ .-]*$/', (string) $key)) {
            continue;
        }
        $out[$key] = is_array($value) ? harness_encode_inputs($value) : htmlspecialchars((string) $value, ENT_QUOTES, 'UTF-8');
    }
    return $out;
}
$_GET = harness_encode_inputs($_GET);
$_POST = harness_encode_inputs($_POST);
$_COOKIE = harness_encode_inputs($_COOKIE);
$_REQUEST = array_merge($_GET, $_POST);

if (PHP_SAPI !== 'cli') {
    session_save_path(HARNESS_ROOT . '/harness/sessions');
    session_name('WHMCSharness');
    session_start();
    $state = harness_state();
    // The harness's admin is always logged in; the test picks who it is.
    $_SESSION['adminid'] = $state['adminId'];
}

function generate_token($type = 'form')
{
    if (empty($_SESSION['tkval'])) {
        $_SESSION['tkval'] = bin2hex(random_bytes(20));
    }
    $token = sha1($_SESSION['tkval'] . session_id() . ':harness');
    if ($type === 'plain') {
        return $token;
    }
    if ($type === 'link') {
        return '&token=' . $token;
    }
    return '<input type="hidden" name="token" value="' . $token . '" />';
}

function check_token($namespace = 'WHMCS.default', $token = null)
{
    $given = $token === null ? (isset($_REQUEST['token']) ? $_REQUEST['token'] : '') : $token;
    if (!hash_equals(generate_token('plain'), (string) $given)) {
        die('Invalid CSRF Protection Token');
    }
    return true;
}

function logModuleCall($module, $action, $request, $response, $processed = '', $replaceVars = array())
{
    $mask = function ($value) use ($replaceVars) {
        $text = is_string($value) ? $value : json_encode($value);
        foreach ($replaceVars as $secret) {
            if ($secret !== '') {
                $text = str_replace($secret, str_repeat('*', strlen($secret)), $text);
            }
        }
        return $text;
    };
    harness_log('moduleCall', array('module' => $module, 'action' => $action, 'request' => $mask($request), 'response' => $mask($response), 'processed' => $mask($processed)));
}

function logActivity($message, $userId = 0)
{
    harness_log('activity', array('message' => $message));
}

function localAPI($command, $values = array(), $adminUser = '')
{
    harness_log('localAPI', array('command' => $command, 'values' => $values));
    return array('result' => 'success');
}

$GLOBALS['harness_hooks'] = array();
function add_hook($name, $priority, $callback)
{
    $GLOBALS['harness_hooks'][$name][] = $callback;
}

function run_hook($name, $vars)
{
    $results = array();
    foreach (isset($GLOBALS['harness_hooks'][$name]) ? $GLOBALS['harness_hooks'][$name] : array() as $callback) {
        $results[] = call_user_func($callback, $vars);
    }
    return $results;
}

require __DIR__ . '/whmcs-classes.php';

/** The addon's `$vars` as addonmodules.php builds them: its settings plus a few keys of WHMCS's own. */
function harness_module_vars($module)
{
    $vars = array('modulelink' => 'addonmodules.php?module=' . $module, 'module' => $module, '_lang' => array());
    foreach (harness_state()['tbladdonmodules'] as $row) {
        if ($row['module'] === $module) {
            $vars[$row['setting']] = $row['value'];
        }
    }
    return $vars;
}
