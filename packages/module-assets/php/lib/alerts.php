<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Raises one WHMCS notification per alert the bridge reports (WHMCS's Notifications send them on
 * to email, Slack and so on, by the rules an admin sets for "Commitment Forecaster alert").
 * A bridge without alerts, or one that is away, raises nothing and is noted in the activity log.
 * Returns the number of notifications raised.
 */
function raise_alert_notifications(array $settings)
{
    $operations = operations();
    $path = isset($operations['alerts']) ? $operations['alerts']['path'] : '/v1/alerts';
    $answer = bridge_get_json($settings, $path);
    if ($answer[1] === null) {
        if ($answer[0] !== 404 && function_exists('logActivity')) {
            logActivity('Commitment Forecaster: could not read the bridge\'s alerts: ' . $answer[2]);
        }
        return 0;
    }
    $alerts = isset($answer[1]['data']) && is_array($answer[1]['data']) ? $answer[1]['data'] : array();
    $raised = 0;
    foreach ($alerts as $alert) {
        if (!is_array($alert) || !function_exists('localAPI')) {
            continue;
        }
        $title = isset($alert['title']) ? (string) $alert['title'] : 'Commitment Forecaster alert';
        $message = isset($alert['message']) ? (string) $alert['message'] : '';
        $severity = isset($alert['severity']) ? (string) $alert['severity'] : 'warning';
        localAPI('TriggerNotificationEvent', array(
            'notification_identifier' => 'commitment_forecaster.alert',
            'title' => $title,
            'message' => $message,
            'url' => 'addonmodules.php?module=' . MODULE_NAME,
            'status' => ucfirst($severity),
            'statusStyle' => $severity === 'critical' || $severity === 'error' ? 'danger' : ($severity === 'info' ? 'info' : 'warning'),
        ));
        $raised++;
    }
    return $raised;
}
