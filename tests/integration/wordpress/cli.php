<?php
/**
 * What the tests do to their WordPress from the command line: php cli.php COMMAND [JSON], run in the
 * site's folder. Prints one JSON document.
 */

$command  = $argv[1] ?? '';
$argument = json_decode( $argv[2] ?? '{}', true );
$site     = parse_url( getenv( 'LEADSMANAGER_TEST_WP_URL' ) );
$_SERVER['HTTP_HOST']   = $site['host'] . ':' . $site['port'];
$_SERVER['REQUEST_URI'] = '/';
if ( 'install' === $command ) {
	define( 'WP_INSTALLING', true );
}
require getcwd() . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

const LEADSMANAGER_PLUGIN = 'leadsmanager-forms/leadsmanager-forms.php';

function leadsmanager_test_user( string $login, string $role ): string {
	$id = wp_insert_user( array( 'user_login' => $login, 'user_pass' => wp_generate_password( 24 ), 'user_email' => $login . '@example.com', 'role' => $role ) );
	if ( is_wp_error( $id ) ) {
		throw new RuntimeException( $id->get_error_message() );
	}
	[ $password ] = WP_Application_Passwords::create_new_application_password( $id, array( 'name' => 'LeadsManager tests' ) );
	return $password;
}

/**
 * The tables Formidable's hook reads (its own schema, the columns this plugin uses), with form 4 as
 * INTRALOG's site has it, and a Contact Form 7 form that nobody has sent yet.
 */
function leadsmanager_test_forms(): array {
	global $wpdb;
	$collate = $wpdb->get_charset_collate();
	dbDelta( "CREATE TABLE {$wpdb->prefix}frm_forms (id int(11) NOT NULL auto_increment, form_key varchar(100) default NULL, name varchar(255) default NULL, status varchar(255) default NULL, created_at datetime NOT NULL, PRIMARY KEY  (id)) {$collate};" );
	dbDelta( "CREATE TABLE {$wpdb->prefix}frm_fields (id bigint(20) NOT NULL auto_increment, field_key varchar(100) default NULL, name text default NULL, type text default NULL, field_order int(11) default 0, form_id int(11) default NULL, created_at datetime NOT NULL, PRIMARY KEY  (id), UNIQUE KEY field_key (field_key)) {$collate};" );
	dbDelta( "CREATE TABLE {$wpdb->prefix}frm_items (id bigint(20) NOT NULL auto_increment, item_key varchar(100) default NULL, form_id bigint(20) default NULL, parent_item_id bigint(20) default 0, is_draft tinyint(1) default 0, created_at datetime NOT NULL, updated_at datetime NOT NULL, PRIMARY KEY  (id)) {$collate};" );
	dbDelta( "CREATE TABLE {$wpdb->prefix}frm_item_metas (id bigint(20) NOT NULL auto_increment, meta_value longtext default NULL, field_id bigint(20) NOT NULL, item_id bigint(20) NOT NULL, created_at datetime NOT NULL, PRIMARY KEY  (id), KEY item_id (item_id)) {$collate};" );
	$now = current_time( 'mysql', true );
	$wpdb->insert( "{$wpdb->prefix}frm_forms", array( 'id' => 4, 'form_key' => 'contacto', 'name' => 'Contacto', 'status' => 'published', 'created_at' => $now ) );
	$fields = array(
		array( 'nombre', 'Nombre y Apellido', 'text' ),
		array( 'empresa', 'Razón Social o nombre de la empresa', 'text' ),
		array( 'correo', 'Correo electrónico', 'email' ),
		array( 'telefono', 'Teléfono', 'phone' ),
		array( 'servicios', 'Servicios', 'checkbox' ),
		array( 'mensaje', 'Completa tu mensaje', 'textarea' ),
		array( 'clave', 'Clave', 'password' ),
	);
	$ids = array();
	foreach ( $fields as $order => [ $key, $label, $type ] ) {
		$wpdb->insert( "{$wpdb->prefix}frm_fields", array( 'field_key' => $key, 'name' => $label, 'type' => $type, 'field_order' => $order, 'form_id' => 4, 'created_at' => $now ) );
		$ids[ $key ] = $wpdb->insert_id;
	}
	$cf7 = wp_insert_post( array( 'post_type' => 'wpcf7_contact_form', 'post_title' => 'Contact form 1', 'post_status' => 'publish' ) );
	return array( 'frm_fields' => $ids, 'cf7_form' => $cf7 );
}

$out = array();
switch ( $command ) {
	case 'install':
		wp_install( 'LeadsManager test site', 'admin', 'admin@example.com', false, '', $argument['admin_password'] );
		update_option( 'permalink_structure', '/%postname%/' );
		break;
	case 'setup':
		$activated = activate_plugin( LEADSMANAGER_PLUGIN );
		if ( is_wp_error( $activated ) ) {
			throw new RuntimeException( $activated->get_error_message() );
		}
		$out = array(
			'sync'   => leadsmanager_test_user( 'leadsmanager-sync', 'leadsmanager_sync' ),
			'editor' => leadsmanager_test_user( 'editor', 'editor' ),
			'admin'  => leadsmanager_test_user_password_for( 'admin' ),
		) + leadsmanager_test_forms();
		break;
	case 'push-settings':
		update_option( 'leadsmanager_forms_push', $argument );
		$out = get_option( 'leadsmanager_forms_push' );
		break;
	case 'push-settings-read':
		$out = LeadsManager\Forms\Push::settings();
		break;
	case 'state':
		$out = array(
			'push_status' => get_option( 'leadsmanager_forms_push_status', null ),
			'table'       => $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'leadsmanager_submissions' ) ),
			'options'     => $wpdb->get_col( $wpdb->prepare( 'SELECT option_name FROM ' . $wpdb->options . ' WHERE option_name LIKE %s', 'leadsmanager%' ) ),
			'role'        => null !== get_role( 'leadsmanager_sync' ),
			'admin_can'   => get_role( 'administrator' )->has_cap( 'leadsmanager_read_submissions' ),
		);
		break;
	case 'uninstall':
		deactivate_plugins( LEADSMANAGER_PLUGIN );
		$out = array( 'uninstalled' => uninstall_plugin( LEADSMANAGER_PLUGIN ) );
		break;
	case 'activate':
		$out = array( 'error' => is_wp_error( $error = activate_plugin( LEADSMANAGER_PLUGIN ) ) ? $error->get_error_message() : null );
		break;
	default:
		throw new InvalidArgumentException( "unknown command {$command}" );
}
echo wp_json_encode( $out );

function leadsmanager_test_user_password_for( string $login ): string {
	[ $password ] = WP_Application_Passwords::create_new_application_password( get_user_by( 'login', $login )->ID, array( 'name' => 'LeadsManager tests' ) );
	return $password;
}
