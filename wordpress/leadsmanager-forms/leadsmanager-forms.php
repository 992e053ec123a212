<?php
/**
 * Plugin Name:       LeadsManager Forms
 * Description:       Keeps every submission of Formidable Forms, Gravity Forms, Contact Form 7 and Elementor Pro forms, serves them to the LeadsManager sync, and can push each one the moment it is made.
 * Version:           1.0.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * License:           GPL-2.0-or-later
 * Text Domain:       leadsmanager-forms
 */

namespace LeadsManager\Forms;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const VERSION = '1.0.0';
// The capability the sync's user needs; administrators get it on activation.
const CAPABILITY = 'leadsmanager_read_submissions';
// A role with only that capability, for a dedicated sync user.
const SYNC_ROLE = 'leadsmanager_sync';
const PUSH_OPTION = 'leadsmanager_forms_push';
const PUSH_STATUS_OPTION = 'leadsmanager_forms_push_status';
const DB_VERSION_OPTION = 'leadsmanager_forms_db_version';

require_once __DIR__ . '/includes/class-fields.php';
require_once __DIR__ . '/includes/class-store.php';
require_once __DIR__ . '/includes/class-push.php';
require_once __DIR__ . '/includes/class-rest.php';
require_once __DIR__ . '/includes/class-settings.php';
require_once __DIR__ . '/includes/sources/class-formidable.php';
require_once __DIR__ . '/includes/sources/class-gravity-forms.php';
require_once __DIR__ . '/includes/sources/class-contact-form-7.php';
require_once __DIR__ . '/includes/sources/class-elementor.php';

/**
 * Activation: the table, the capability for administrators and the sync role.
 */
function activate(): void {
	Store::install();
	$admin = get_role( 'administrator' );
	if ( $admin ) {
		$admin->add_cap( CAPABILITY );
	}
	if ( ! get_role( SYNC_ROLE ) ) {
		add_role( SYNC_ROLE, 'LeadsManager sync', array( 'read' => true, CAPABILITY => true ) );
	}
}

register_activation_hook( __FILE__, __NAMESPACE__ . '\\activate' );

// A plugin updated in place is not re-activated: bring the table up to date on load.
add_action(
	'plugins_loaded',
	static function (): void {
		if ( get_option( DB_VERSION_OPTION ) !== Store::SCHEMA_VERSION ) {
			Store::install();
		}
	}
);

Sources\Formidable::register();
Sources\Gravity_Forms::register();
Sources\Contact_Form_7::register();
Sources\Elementor::register();
Rest::register();
Push::register();
Settings::register( __FILE__ );
